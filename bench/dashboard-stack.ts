/**
 * The benchmark's stack for the dashboard and tracing benchmark (bench/dashboard.ts): the API and a worker host in
 * this process, on a tenant and queue prefix of their own, and a job whose latency is the platform's.
 */
import { randomUUID } from 'node:crypto';
import { startApi, workerHostOptions } from '../src/app.js';
import { createKeyStore } from '../src/auth/key-store.js';
import { loadConfig } from '../src/config/index.js';
import { createLogger } from '../src/observability/logger.js';
import type { Processor } from '../src/queue/job-context.js';
import { startWorkerHost } from '../src/queue/worker-host.js';
import { closeRuntime, createRuntime, migrateAll, type Runtime } from '../src/runtime.js';
import { deleteTenantGraph } from '../test/integration/support/graph-cleanup.js';
import { SCRIPTED_ACTIONS } from '../test/support/scripted-actions.js';

/** Jobs each stack runs before its measured ones: connections, JIT. */
export const WARM_UP_JOBS = 10;
// A tenant of this run's own (named like the tests' so the clean-up helper accepts it): its jobs are deleted at the end.
const TENANT = `test-bench-dashboard-${randomUUID().slice(0, 8)}`;

/** Three progress events and a result: a job whose latency is the platform's, not the processor's. */
const quick: Processor<unknown> = async (ctx) => {
  for (let step = 1; step <= 3; step++) await ctx.progress({ step });
  return { ok: true };
};

export interface Stack {
  runtime: Runtime;
  url: string;
  authorization: string;
  close(): Promise<void>;
}

export type Mode = 'off' | 'recording' | 'exporting';

/** The tracing settings of each mode (whatever the shell running the benchmark has set is overridden). */
export function tracingEnv(mode: Mode, collectorUrl: string): Record<string, string | undefined> {
  if (mode === 'off') return { OTEL_EXPORTER_OTLP_ENDPOINT: undefined, OTEL_TRACES_EXPORTER: undefined };
  if (mode === 'recording') return { OTEL_EXPORTER_OTLP_ENDPOINT: undefined, OTEL_TRACES_EXPORTER: 'none' };
  return { OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl, OTEL_TRACES_EXPORTER: 'otlp' };
}

export async function startStack(dataDir: string, tracing: Record<string, string | undefined> = tracingEnv('off', '')): Promise<Stack> {
  const config = loadConfig({
    ...process.env,
    ...tracing,
    LOG_LEVEL: 'silent',
    COGO_PORT: '0',
    COGO_DATA_DIR: dataDir,
    COGO_QUEUE_PREFIX: `bench-dash-${randomUUID().slice(0, 8)}`,
    COGO_RATE_LIMIT_PER_SEC: '100000',
    COGO_RATE_LIMIT_BURST: '100000',
  });
  // The control plane knows the scripted actions' names; the quick processor below runs the jobs.
  const runtime = await createRuntime(config, createLogger({ level: 'silent' }), { executeActions: SCRIPTED_ACTIONS });
  await migrateAll(runtime);
  const { server, url } = await startApi(runtime);
  const worker = await startWorkerHost(workerHostOptions(runtime, { execute: quick }));
  const { key } = await createKeyStore(runtime.sql).create({ name: 'bench dashboard', tenant: TENANT, scopes: ['*'] });
  return {
    runtime,
    url,
    authorization: `Bearer ${key}`,
    async close() {
      await deleteTenantGraph(runtime.driver, runtime.config.neo4j.database, TENANT);
      await worker.close();
      await server.close();
      await Promise.all(Object.values(runtime.queues).map((q) => q.obliterate({ force: true }).catch(() => {})));
      await closeRuntime(runtime);
    },
  };
}

export async function enqueue(stack: Stack): Promise<string> {
  const response = await fetch(`${stack.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: stack.authorization },
    body: JSON.stringify({ query: 'mutation { enqueueExecute(input: {action: "noop"}) { jobId } }' }),
  });
  const body = (await response.json()) as { data?: { enqueueExecute: { jobId: string } }; errors?: unknown };
  if (!body.data) throw new Error(`enqueue refused: ${JSON.stringify(body.errors)}`);
  return body.data.enqueueExecute.jobId;
}

/** Milliseconds from the enqueue request to `execute.done` reaching a subscriber, one job at a time. */
export async function jobLatencies(stack: Stack, count: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const jobId = await enqueue(stack);
    for await (const event of stack.runtime.events.subscribe({ kind: 'job', jobId })) if (event.type === 'execute.done' || event.type === 'job.dead') break;
    latencies.push(performance.now() - started);
  }
  return latencies;
}
