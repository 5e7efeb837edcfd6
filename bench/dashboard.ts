/**
 * Dashboard and tracing benchmark (issue 15), one run:
 * 1. end-to-end job latency (GraphQL enqueue → worker → `execute.done` seen by a subscriber) with tracing off
 *    (no OTLP endpoint: COGO's spans are OpenTelemetry no-ops) and on (the SDK records every span and exports it
 *    to a local OTLP collector), in alternating rounds so that drift hits both alike; plus what the no-op spans
 *    of one job cost, measured directly, against that job's latency (the goal: < 5 % with the exporter off);
 * 2. the dashboard in headless Chromium: first render (navigation to every overview panel drawn) and time to
 *    the first live event (a job enqueued through the API until its row appears, pushed by the subscription).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { startApi, workerHostOptions } from '../src/app.js';
import { createKeyStore } from '../src/auth/key-store.js';
import { loadConfig } from '../src/config/index.js';
import { createLogger } from '../src/observability/logger.js';
import { withSpan } from '../src/observability/tracing.js';
import type { Processor } from '../src/queue/job-context.js';
import { startWorkerHost } from '../src/queue/worker-host.js';
import { closeRuntime, createRuntime, migrateAll, type Runtime } from '../src/runtime.js';
import { deleteTenantGraph } from '../test/integration/support/graph-cleanup.js';
import { launchLoopbackBrowser } from '../test/support/headless-browser.js';
import { startOtlpCollector } from '../test/support/otlp-collector.js';
import type { BenchReport } from './run.js';
import { percentile, round } from './support.js';

const JOBS_PER_ROUND = Number(process.env.BENCH_JOBS ?? 100);
const ROUNDS = 3;
const LIVE_SAMPLES = 10;
const log = (line: string) => process.stderr.write(`dashboard: ${line}\n`);
// A tenant of this run's own (named like the tests' so the clean-up helper accepts it): its jobs are deleted at the end.
const TENANT = `test-bench-dashboard-${randomUUID().slice(0, 8)}`;

/** Three progress events and a result: a job whose latency is the platform's, not the processor's. */
const quick: Processor<unknown> = async (ctx) => {
  for (let step = 1; step <= 3; step++) await ctx.progress({ step });
  return { ok: true };
};

interface Stack {
  runtime: Runtime;
  url: string;
  authorization: string;
  close(): Promise<void>;
}

async function startStack(dataDir: string, tracingEndpoint?: string): Promise<Stack> {
  const config = loadConfig({
    ...process.env,
    LOG_LEVEL: 'silent',
    COGO_PORT: '0',
    COGO_DATA_DIR: dataDir,
    COGO_QUEUE_PREFIX: `bench-dash-${randomUUID().slice(0, 8)}`,
    COGO_RATE_LIMIT_PER_SEC: '100000',
    COGO_RATE_LIMIT_BURST: '100000',
    ...(tracingEndpoint ? { OTEL_EXPORTER_OTLP_ENDPOINT: tracingEndpoint } : {}),
  });
  const runtime = await createRuntime(config, createLogger({ level: 'silent' }));
  await migrateAll(runtime);
  const { server, url } = await startApi(runtime);
  const worker = await startWorkerHost(workerHostOptions(runtime, { execute: quick }));
  const { key } = await createKeyStore(runtime.sql).create({ name: 'bench dashboard', tenant: TENANT, scopes: ['*'] });
  return {
    runtime,
    url,
    authorization: `Bearer ${key}`,
    async close() {
      await worker.close();
      await server.close();
      await Promise.all(Object.values(runtime.queues).map((q) => q.obliterate({ force: true }).catch(() => {})));
      await closeRuntime(runtime);
    },
  };
}

async function enqueue(stack: Stack): Promise<string> {
  const response = await fetch(`${stack.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: stack.authorization },
    body: JSON.stringify({ query: 'mutation { enqueueExecute(input: {action: "bench"}) { jobId } }' }),
  });
  const body = (await response.json()) as { data?: { enqueueExecute: { jobId: string } }; errors?: unknown };
  if (!body.data) throw new Error(`enqueue refused: ${JSON.stringify(body.errors)}`);
  return body.data.enqueueExecute.jobId;
}

/** Milliseconds from the enqueue request to `execute.done` reaching a subscriber, one job at a time. */
async function jobLatencies(stack: Stack, count: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const jobId = await enqueue(stack);
    for await (const event of stack.runtime.events.subscribe({ kind: 'job', jobId })) if (event.type === 'execute.done' || event.type === 'job.dead') break;
    latencies.push(performance.now() - started);
  }
  return latencies;
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** What one no-op span costs (no provider registered), in microseconds. */
async function noopSpanMicros(): Promise<number> {
  const n = 200_000;
  const started = performance.now();
  for (let i = 0; i < n; i++) await withSpan('bench', { i }, async () => i);
  return ((performance.now() - started) * 1000) / n;
}

async function dashboardTimes(stack: Stack) {
  const browser = await launchLoopbackBrowser();
  try {
    const { page } = browser;
    const key = stack.authorization.replace(/^Bearer /, '');
    await page.goto(`${stack.url}/dashboard/`);
    await page.fill('#api-key', key);
    await page.click('#sign-in');
    await page.waitForSelector('#status:text("signed in with an API key")');
    const renders: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      await page.goto(`${stack.url}/dashboard/?run=${i}`);
      await page.waitForSelector('#status:text("signed in with an API key")');
      await page.waitForSelector('#gates .gate');
      await page.waitForSelector('#queues table');
      await page.waitForSelector('#jobs table, #jobs p');
      await page.waitForSelector('#dead-letters p, #dead-letters table');
      await page.waitForSelector('#routing .big');
      renders.push(performance.now() - started);
    }
    const live: number[] = [];
    for (let i = 0; i < LIVE_SAMPLES; i++) {
      const started = performance.now();
      const jobId = await enqueue(stack);
      await page.waitForSelector(`tr.job[data-job="${jobId}"]`);
      live.push(performance.now() - started);
    }
    if (browser.outside.length) throw new Error(`the dashboard asked beyond loopback: ${browser.outside.join(', ')}`);
    return { renders, live };
  } finally {
    await browser.close();
  }
}

export default async function run(): Promise<BenchReport> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'cogo-bench-dash-'));
  const collector = await startOtlpCollector();
  try {
    const off: number[] = [];
    const on: number[] = [];
    for (let round_ = 0; round_ < ROUNDS; round_++) {
      for (const [endpoint, into] of [
        [undefined, off],
        [collector.url, on],
      ] as const) {
        const stack = await startStack(path.join(dataDir, `r${round_}-${endpoint ? 'on' : 'off'}`), endpoint);
        try {
          await jobLatencies(stack, 10); // warm-up: connections, JIT
          into.push(...(await jobLatencies(stack, JOBS_PER_ROUND)));
        } finally {
          await stack.close();
        }
        log(`round ${round_ + 1} tracing ${endpoint ? 'on' : 'off'}: mean ${round(mean(into.slice(-JOBS_PER_ROUND)))} ms`);
      }
    }
    // Spans one job makes: request, enqueue, BullMQ's add and process, the run, and the Neo4j and SQL calls inside.
    const spansPerJob = round(collector.spans.length / (ROUNDS * (JOBS_PER_ROUND + 10)), 1);
    const spanMicros = await noopSpanMicros();
    const noopOverheadPct = round(((spansPerJob * spanMicros) / 1000 / mean(off)) * 100, 3);
    const recordingOverheadPct = round(((mean(on) - mean(off)) / mean(off)) * 100, 1);

    const stack = await startStack(path.join(dataDir, 'dashboard'));
    let ui: Awaited<ReturnType<typeof dashboardTimes>>;
    try {
      ui = await dashboardTimes(stack);
    } finally {
      await deleteTenantGraph(stack.runtime.driver, stack.runtime.config.neo4j.database, TENANT);
      await stack.close();
    }
    const firstRenderP50 = percentile(ui.renders, 50);
    const firstLiveP50 = percentile(ui.live, 50);
    log(`first render P50 ${firstRenderP50} ms, first live event P50 ${firstLiveP50} ms`);
    return {
      name: 'dashboard',
      jobsPerRound: JOBS_PER_ROUND,
      rounds: ROUNDS,
      endToEndMs: {
        tracingOff: { mean: round(mean(off)), p50: percentile(off, 50), p95: percentile(off, 95) },
        tracingOnExporting: { mean: round(mean(on)), p50: percentile(on, 50), p95: percentile(on, 95) },
      },
      spansPerJob,
      noopSpanMicros: round(spanMicros, 3),
      dashboard: {
        firstRenderMs: { p50: firstRenderP50, max: round(Math.max(...ui.renders)) },
        enqueueToRowMs: { p50: firstLiveP50, p95: percentile(ui.live, 95) },
      },
      goals: {
        tracingOverheadExporterOffPct: { value: noopOverheadPct, goal: '< 5', met: noopOverheadPct < 5 },
        tracingOverheadRecordingPct: { value: recordingOverheadPct, goal: 'reported', met: true },
        dashboardFirstRenderP50Ms: { value: firstRenderP50, goal: '< 2000', met: firstRenderP50 < 2000 },
        firstLiveEventP50Ms: { value: firstLiveP50, goal: '< 1000', met: firstLiveP50 < 1000 },
      },
    };
  } finally {
    await collector.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
