/**
 * Job platform benchmark (issue 3): COGO end to end (GraphQL enqueue → worker → events → subscriber) against raw
 * BullMQ on the same Redis in the same run, with no-op jobs; then enqueue→start and event-delivery latency at a
 * fixed 500 jobs/s; then recovery time after SIGKILL of a worker process.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { createClient } from 'graphql-ws';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { startApi } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import type { BusEvent } from '../src/events/event-types.js';
import { createLogger } from '../src/observability/logger.js';
import { PROJECT_ROOT } from '../src/paths.js';
import { closeRuntime, createRuntime, migrateAll, type Runtime } from '../src/runtime.js';
import type { BenchReport } from './run.js';
import { percentile } from './support.js';
import { SCRIPTED_ACTIONS } from '../test/support/scripted-actions.js';

const JOBS = Number(process.env.BENCH_JOBS ?? 2000);
const IN_FLIGHT = 50;
const RATE = 500;

async function inParallel(count: number, limit: number, task: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/** Workers run in their own processes, as in a deployment: the producer and the worker do not share a core. */
function spawnProcess(script: string, env: NodeJS.ProcessEnv, ready: string) {
  return new Promise<ReturnType<typeof spawn>>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, script)], {
      env: { ...env, WORKER_CONCURRENCY: String(IN_FLIGHT) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout!.on('data', (c: Buffer) => c.toString().includes(ready) && resolve(child));
    child.once('exit', (code) => reject(new Error(`${script} exited ${code}`)));
  });
}

async function rawBullmq(redisUrl: string): Promise<number> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const prefix = `{bench-raw-${randomUUID().slice(0, 6)}}`;
  const queue = new Queue('raw', { connection, prefix });
  const events = new QueueEvents('raw', { connection: connection.duplicate(), prefix });
  await events.waitUntilReady();
  let done = 0;
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));
  events.on('completed', () => ++done === JOBS && finish());
  const worker = await spawnProcess('bench/raw-bullmq-worker.ts', { ...process.env, REDIS_URL: redisUrl, RAW_PREFIX: prefix }, 'READY raw');
  const started = performance.now();
  await inParallel(JOBS, IN_FLIGHT, async (i) => void (await queue.add('raw', { i }, { removeOnComplete: true })));
  await finished;
  const seconds = (performance.now() - started) / 1000;
  worker.kill('SIGKILL');
  await events.close();
  await queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
  return JOBS / seconds;
}

type Enqueue = () => Promise<string>;

/**
 * A lean HTTP/1.1 client with kept-alive sockets, as load generators use: WHATWG fetch (undici's streams and
 * promises) cost the benchmark's process more CPU than the API it measures.
 */
function graphqlPoster(url: string) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  return (query: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const body = JSON.stringify({ query });
      const request = http.request(
        `${url}/graphql`,
        { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            try {
              resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
            } catch (error) {
              reject(error as Error);
            }
          });
        },
      );
      request.on('error', reject);
      request.end(body);
    });
}

/** Through the public API, as a client would: one GraphQL mutation over HTTP per job. */
const viaGraphql = (url: string): Enqueue => {
  const post = graphqlPoster(url);
  return async () => {
    const result = (await post('mutation { enqueueExecute(input: {action: "noop"}) { jobId } }')) as {
      data?: { enqueueExecute: { jobId: string } };
      errors?: unknown;
    };
    if (!result.data) throw new Error(`enqueue failed: ${JSON.stringify(result.errors)}`);
    return result.data.enqueueExecute.jobId;
  };
};

/** The job service itself, without the HTTP/GraphQL transport: isolates what the platform adds to BullMQ. */
const viaService =
  (runtime: Runtime): Enqueue =>
  async () =>
    (
      await runtime.jobs.enqueue({
        type: 'execute',
        input: { action: 'noop' },
        traceId: randomUUID().replace(/-/g, ''),
        principal: { id: 'bench', tenant: 'default' },
      })
    ).jobId;

async function cogoEndToEnd(runtime: Runtime, url: string, jobs: number, enqueue: Enqueue, ratePerSec?: number) {
  const received = new Map<string, number>();
  const deliveryMs: number[] = [];
  const client = createClient({ url: `${url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket });
  let last: string | undefined = (await runtime.events.read({ kind: 'system' }, undefined, 1_000_000)).at(-1)?.id;
  let resolveAll!: () => void;
  const allSeen = new Promise<void>((r) => (resolveAll = r));
  const ids = new Set<string>();
  let enqueued = false;
  const checkAll = () => enqueued && [...ids].every((id) => received.has(id)) && resolveAll();
  const subscription = (async () => {
    for await (const result of client.iterate<{ systemEvents: BusEvent }>({
      query: 'subscription($after: String) { systemEvents(after: $after) { id type jobId ts } }',
      variables: { after: last },
    })) {
      const event = result.data!.systemEvents;
      last = event.id;
      if (event.type !== 'job.completed' || !event.jobId) continue;
      // A job may complete before its enqueue response arrives here: count it by id either way.
      received.set(event.jobId, performance.now());
      deliveryMs.push(Date.now() - Date.parse(event.ts));
      checkAll();
    }
  })();
  await new Promise((r) => setTimeout(r, 300));
  const enqueuedAt = new Map<string, number>();
  const started = performance.now();
  await inParallel(jobs, IN_FLIGHT, async (i) => {
    if (ratePerSec) {
      const due = started + (i * 1000) / ratePerSec;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    const t0 = performance.now();
    const jobId = await enqueue();
    ids.add(jobId);
    enqueuedAt.set(jobId, Date.now() - (performance.now() - t0));
  });
  enqueued = true;
  checkAll();
  await allSeen;
  const seconds = (Math.max(...[...ids].map((id) => received.get(id)!)) - started) / 1000;
  await client.dispose();
  await subscription.catch(() => {}); // disposing the client ends the subscription with an error, by design
  // enqueue → start: from the enqueue request to the worker's `started` event on the job's stream.
  const startMs: number[] = [];
  for (const [jobId, at] of [...enqueuedAt].slice(0, 500)) {
    const started = (await runtime.events.read({ kind: 'job', jobId })).find((e) => e.type === 'meta' && e.data.phase === 'started');
    if (started) startMs.push(Date.parse(started.ts) - at);
  }
  return { throughput: jobs / seconds, deliveryMs, startMs };
}

async function recoveryAfterKill(env: NodeJS.ProcessEnv, runtime: Runtime, url: string, trials: number): Promise<number[]> {
  const spawnWorker = (id: string) =>
    new Promise<ReturnType<typeof spawn>>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'test/support/scripted-worker.ts')], {
        env: { ...env, WORKER_ID: id },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      child.stdout!.on('data', (c: Buffer) => c.toString().includes(`READY ${id}`) && resolve(child));
      child.once('exit', (code) => reject(new Error(`worker ${id} exited ${code}`)));
    });
  const times: number[] = [];
  for (let trial = 0; trial < trials; trial++) {
    const workers = new Map([
      [`r${trial}a`, await spawnWorker(`r${trial}a`)],
      [`r${trial}b`, await spawnWorker(`r${trial}b`)],
    ]);
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation { enqueueExecute(input: {action: "script", params: {steps: 40, stepMs: 250}}) { jobId } }' }),
    });
    const jobId = ((await response.json()) as { data: { enqueueExecute: { jobId: string } } }).data.enqueueExecute.jobId;
    let owner: string | undefined;
    while (!owner) {
      owner = (await runtime.events.read({ kind: 'job', jobId })).find((e) => e.type === 'meta' && e.data.phase === 'started')?.data.workerId as
        string | undefined;
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 500 + Math.random() * 2000));
    const killedAt = Date.now();
    workers.get(owner)!.kill('SIGKILL');
    for (;;) {
      const resumed = (await runtime.events.read({ kind: 'job', jobId })).find(
        (e) => e.type === 'meta' && e.data.phase === 'started' && e.data.workerId !== owner,
      );
      if (resumed) {
        times.push(Date.parse(resumed.ts) - killedAt);
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    for (const child of workers.values()) child.kill('SIGKILL');
    // The job may have finished meanwhile (nothing to cancel): either way it no longer runs.
    await runtime.jobs.cancel(jobId, { id: 'bench', tenant: 'default' }).catch(() => {});
  }
  return times;
}

export default async function queueBenchmark(): Promise<BenchReport> {
  const prefix = `bench-${randomUUID().slice(0, 6)}`;
  const env = {
    ...process.env,
    COGO_QUEUE_PREFIX: prefix,
    COGO_PORT: '0',
    LOG_LEVEL: 'silent',
    DATABASE_URL: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/cogo_test',
  };
  const config = loadConfig(env);
  const logger = createLogger({ level: 'silent' });
  // The scripted worker runs these jobs: their action names pass the control plane's flow check.
  const runtime = await createRuntime(config, logger, { executeActions: SCRIPTED_ACTIONS });
  await migrateAll(runtime);
  const { server, url } = await startApi(runtime);
  const host = await spawnProcess('test/support/scripted-worker.ts', { ...env, WORKER_ID: 'bench-noop' }, 'READY bench-noop');
  try {
    const raw = await rawBullmq(config.redis.url);
    const cogo = await cogoEndToEnd(runtime, url, JOBS, viaGraphql(url));
    const service = await cogoEndToEnd(runtime, url, JOBS, viaService(runtime));
    const paced = await cogoEndToEnd(runtime, url, Math.min(JOBS, 2500), viaGraphql(url), RATE);
    host.kill('SIGTERM');
    const recovery = await recoveryAfterKill(env, runtime, url, Number(process.env.BENCH_RECOVERY_TRIALS ?? 5));
    const ratio = Math.round((cogo.throughput / raw) * 1000) / 1000;
    const startP95 = percentile(paced.startMs, 95);
    const deliveryP95 = percentile(paced.deliveryMs, 95);
    const recoveryP95 = percentile(recovery, 95);
    return {
      name: 'queue',
      jobs: JOBS,
      inFlight: IN_FLIGHT,
      rawBullmqJobsPerSec: Math.round(raw),
      cogoJobsPerSec: Math.round(cogo.throughput),
      throughputRatio: ratio,
      serviceLevel: {
        note: 'JobService.enqueue in-process, no HTTP/GraphQL: what the platform (lineage, events, idempotency) costs over BullMQ',
        jobsPerSec: Math.round(service.throughput),
        ratioToRaw: Math.round((service.throughput / raw) * 1000) / 1000,
      },
      at500PerSec: {
        achievedJobsPerSec: Math.round(paced.throughput),
        enqueueToStartMs: { p50: percentile(paced.startMs, 50), p95: startP95 },
        eventDeliveryMs: { p50: percentile(paced.deliveryMs, 50), p95: deliveryP95 },
      },
      unpaced: {
        enqueueToStartMs: { p50: percentile(cogo.startMs, 50), p95: percentile(cogo.startMs, 95) },
        eventDeliveryMs: { p50: percentile(cogo.deliveryMs, 50), p95: percentile(cogo.deliveryMs, 95) },
      },
      recoveryAfterSigkillMs: { trials: recovery, p50: percentile(recovery, 50), p95: recoveryP95 },
      goals: {
        throughputRatio: { value: ratio, goal: '>= 0.7 of raw BullMQ', met: ratio >= 0.7 },
        enqueueToStartP95Ms: { value: startP95, goal: '< 50 ms at 500 jobs/s', met: startP95 < 50 },
        eventDeliveryP95Ms: { value: deliveryP95, goal: '< 50 ms at 500 jobs/s', met: deliveryP95 < 50 },
        recoveryP95Ms: { value: recoveryP95, goal: '< 5000 ms', met: recoveryP95 < 5000 },
      },
    };
  } finally {
    await server.close();
    // Clean-up of a throwaway prefix: a queue that cannot be obliterated leaves keys behind, not a wrong result.
    await Promise.all(Object.values(runtime.queues).map((q) => q.obliterate({ force: true }).catch(() => {})));
    const keys = await runtime.redis.keys(`{${prefix}}:*`);
    for (let i = 0; i < keys.length; i += 500) await runtime.redis.del(...keys.slice(i, i + 500));
    await closeRuntime(runtime);
  }
}
