/**
 * `npm run bench -- runtime` (issue 8): does an indexing job stall the control plane? A 2,500-file index runs on
 * `npm start`'s wiring (API and workers in one process, CPU work on its thread pool) while this process polls
 * `/healthz`; the same index then runs in a bare worker process (`cogo worker --queues indexing`, no API) as the
 * baseline. Reported: `/healthz` latency P50/P99 and the API process's event-loop lag during the job, indexing
 * throughput of both and its ratio, and lost leases (`job.stalled`).
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { loadConfig } from '../src/config/index.js';
import { createLogger } from '../src/observability/logger.js';
import { closeRuntime, createRuntime } from '../src/runtime.js';
import { spawnTsProcess, type TestProcess } from '../test/support/child-process.js';
import type { BenchReport } from './run.js';
import { copyTree, sourceFiles } from '../test/support/source-corpus.js';
import { percentile, round } from './support.js';

const FILES = Number(process.env.BENCH_FILES ?? 2500);
const POLL_MS = 50;

interface JobOutcome {
  wallMs: number;
  filesSeen: number;
  stalls: number;
  doneEvents: number;
}

/** Follows a job's Redis stream until its `indexing.done` (or failure), counting what the issue counts. */
async function followJob(redis: Redis, prefix: string, jobId: string, enqueuedAt: number): Promise<JobOutcome> {
  const key = `{${prefix}}:ev:job:${jobId}`;
  for (;;) {
    const entries = (await redis.xrange(key, '-', '+')) as [string, string[]][];
    const events = entries.map(([, fields]) => JSON.parse(fields[3] ?? '{}') as { type: string; ts: string; data: Record<string, unknown> });
    const failed = events.find((e) => e.type === 'indexing.error' || e.type === 'job.dead');
    if (failed) throw new Error(`job ${jobId} failed: ${JSON.stringify(failed.data)}`);
    const done = events.filter((e) => e.type === 'indexing.done');
    if (done.length > 0) {
      const result = done[0]!.data.result as { seen: number };
      return {
        wallMs: Date.parse(done[0]!.ts) - enqueuedAt,
        filesSeen: result.seen,
        stalls: events.filter((e) => e.type === 'job.stalled').length,
        doneEvents: done.length,
      };
    }
    await sleep(100);
  }
}

const metric = (text: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);

export default async function runtimeBench(): Promise<BenchReport> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'cogo-bench-runtime-'));
  const id = randomUUID().slice(0, 8);
  const log = (line: string) => process.stdout.write(`[runtime bench] ${line}\n`);
  const base = { ...process.env, LOG_LEVEL: 'warn', COGO_AUTOSTART_SERVICES: 'false', DATABASE_URL: '', COGO_INDEX_ROOTS: work, COGO_PORT: '0' };
  const redis = new Redis(loadConfig().redis.url, { maxRetriesPerRequest: null });
  const processes: TestProcess[] = [];
  try {
    const files = sourceFiles().slice(0, FILES);
    await copyTree(files, path.join(work, 'bare'));
    await copyTree(files, path.join(work, 'start'));
    log(`corpus: ${files.length} files, two copies`);

    // Baseline: a bare worker process; this process enqueues through its own control plane.
    const barePrefix = `bench-rt-bare-${id}`;
    const bare = await spawnTsProcess('src/cli/index.ts', ['worker', '--queues', 'indexing'], {
      env: { ...base, COGO_QUEUE_PREFIX: barePrefix, COGO_DATA_DIR: path.join(work, 'data-bare') },
      ready: /^worker \S+ on indexing/m,
    });
    processes.push(bare);
    const config = loadConfig({ ...base, COGO_QUEUE_PREFIX: barePrefix, COGO_DATA_DIR: path.join(work, 'data-client') });
    const client = await createRuntime(config, createLogger({ level: 'silent' }));
    let bareOutcome: JobOutcome;
    try {
      const enqueuedAt = Date.now();
      const { jobId } = await client.jobs.enqueue({
        type: 'indexing',
        input: { root: path.join(work, 'bare') },
        principal: { id: 'bench', tenant: 'default' },
        traceId: randomUUID().replace(/-/g, ''),
      });
      bareOutcome = await followJob(redis, barePrefix, jobId, enqueuedAt);
    } finally {
      await closeRuntime(client);
    }
    log(`bare worker: ${bareOutcome.filesSeen} files in ${bareOutcome.wallMs} ms`);
    await bare.stop();

    // `npm start`'s wiring: the API and every worker in one process.
    const startPrefix = `bench-rt-start-${id}`;
    const started = await spawnTsProcess('src/main.ts', [], {
      env: { ...base, COGO_QUEUE_PREFIX: startPrefix, COGO_DATA_DIR: path.join(work, 'data-start') },
      ready: /^COGO (http:\/\/\S+) — GraphQL/m,
    });
    processes.push(started);
    const url = started.ready[1]!;
    const scrape = async () => (await fetch(`${url}/metrics`)).text();
    await scrape(); // resets the event-loop histogram: the next scrape covers the job only
    const enqueuedAt = Date.now();
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'mutation($root: String!) { enqueueIndexing(input: {root: $root}) { jobId } }',
        variables: { root: path.join(work, 'start') },
      }),
    });
    const body = (await response.json()) as { data?: { enqueueIndexing: { jobId: string } }; errors?: unknown };
    if (!body.data) throw new Error(`enqueue refused: ${JSON.stringify(body.errors)}`);
    const jobId = body.data.enqueueIndexing.jobId;
    const health: number[] = [];
    let failures = 0;
    let finished = false;
    const polling = (async () => {
      while (!finished) {
        const t0 = performance.now();
        const ok = await fetch(`${url}/healthz`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) health.push(performance.now() - t0);
        else failures += 1;
        await sleep(POLL_MS);
      }
    })();
    const startOutcome = await followJob(redis, startPrefix, jobId, enqueuedAt).finally(() => (finished = true));
    await polling;
    const metrics = await scrape();
    log(`npm start: ${startOutcome.filesSeen} files in ${startOutcome.wallMs} ms; /healthz P99 ${percentile(health, 99)} ms over ${health.length} requests`);

    const throughput = (o: JobOutcome) => round(o.filesSeen / (o.wallMs / 1000), 1);
    const ratio = round(throughput(startOutcome) / throughput(bareOutcome), 3);
    const healthP99 = percentile(health, 99);
    const lagP99Ms = round(metric(metrics, 'cogo_nodejs_eventloop_lag_p99_seconds') * 1000, 1);
    const stalls = startOutcome.stalls + bareOutcome.stalls;
    return {
      name: 'runtime',
      files: files.length,
      cpuThreads: loadConfig(base).cpu.threads,
      npmStart: {
        filesPerSecond: throughput(startOutcome),
        wallMs: startOutcome.wallMs,
        stalls: startOutcome.stalls,
        doneEvents: startOutcome.doneEvents,
        healthz: { requests: health.length, failures, p50Ms: percentile(health, 50), p99Ms: healthP99, maxMs: round(Math.max(...health), 1) },
        eventLoopLagMs: {
          p50: round(metric(metrics, 'cogo_nodejs_eventloop_lag_p50_seconds') * 1000, 1),
          p99: lagP99Ms,
          max: round(metric(metrics, 'cogo_nodejs_eventloop_lag_max_seconds') * 1000, 1),
        },
      },
      bareWorker: { filesPerSecond: throughput(bareOutcome), wallMs: bareOutcome.wallMs, stalls: bareOutcome.stalls, doneEvents: bareOutcome.doneEvents },
      goals: {
        healthzP99Ms: { value: healthP99, goal: '< 100', met: healthP99 < 100 },
        eventLoopLagP99Ms: { value: lagP99Ms, goal: '< 100', met: lagP99Ms < 100 },
        throughputRatioToBareWorker: { value: ratio, goal: '>= 0.9', met: ratio >= 0.9 },
        stalls: { value: stalls, goal: '0', met: stalls === 0 },
      },
    };
  } finally {
    await Promise.all(processes.map((p) => p.stop()));
    redis.disconnect();
    await rm(work, { recursive: true, force: true });
  }
}
