import type { ChildProcess } from 'node:child_process';
import { startApi } from '../../../src/app.js';
import type { Config } from '../../../src/config/index.js';
import { createLogger } from '../../../src/observability/logger.js';
import { closeRuntime, createRuntime, migrateAll, type Runtime } from '../../../src/runtime.js';
import { DEV_PRINCIPAL } from '../../../src/auth/principal.js';
import type { HttpServer } from '../../../src/server/http-server.js';
import { spawnTsProcess } from '../../support/child-process.js';
import { countTracedJobs, deleteTenantGraph, deleteTracedJobs, newTraceTag, testTenant, traceparentFor } from './graph-cleanup.js';
import { TEST_INDEX_ROOTS, testConfig, testDatabaseUrl } from './services.js';

export interface WorkerProcess {
  id: string;
  child: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface Platform {
  config: Config;
  runtime: Runtime;
  url: string;
  env: NodeJS.ProcessEnv;
  /**
   * This platform's own tenant, for what a test writes through the services directly (`runtime.jobs.enqueue`
   * with `principal`, stores, raw Cypher); every node of it is deleted at `close()`.
   */
  tenant: string;
  principal: { id: string; tenant: string };
  /**
   * What the platform's API requests carry: until credentials carry a tenant, the API files every job under the
   * anonymous caller's tenant, so the platform stamps its requests' trace ids with this prefix instead, counts
   * its jobs by it (`countJobs`) and deletes them at `close()`.
   */
  traceTag: string;
  /** Headers for a request to the API made without `graphql()`: JSON, and a traceparent carrying `traceTag`. */
  headers(extra?: Record<string, string>): Record<string, string>;
  /** The (:Job) records this platform's API requests created: a count no other test can change. */
  countJobs(): Promise<number>;
  graphql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<{ data?: T; errors?: { message: string; extensions: Record<string, unknown> }[] }>;
  /** A scripted worker process; `env` adds to the platform's (e.g. CLOCK_SKEW_MS). */
  spawnWorker(id: string, env?: Record<string, string>): Promise<WorkerProcess>;
  /** SIGKILLs every worker process still running (a test that failed half-way leaves none behind). */
  stopWorkers(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The API in this process and worker *processes* beside it, all on the real Redis, Neo4j and Postgres, with a
 * queue prefix of their own so that tests never see each other's jobs.
 */
export async function startPlatform(overrides: Record<string, string> = {}): Promise<Platform> {
  // Worker and CLI processes get the same allowed roots as this process (services.ts: the temp folder).
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: testDatabaseUrl(), LOG_LEVEL: 'silent', COGO_INDEX_ROOTS: TEST_INDEX_ROOTS, ...overrides };
  const config = testConfig({ DATABASE_URL: env.DATABASE_URL, ...overrides });
  env.COGO_QUEUE_PREFIX = config.redis.prefix;
  const runtime = await createRuntime(config, createLogger({ level: 'silent' }));
  await migrateAll(runtime);
  const { server, url } = await startApi(runtime);
  // The CLI is a client of this API, like any other.
  env.COGO_URL = url;
  const workers: WorkerProcess[] = [];
  const tenant = testTenant('platform');
  const traceTag = newTraceTag();
  const database = config.neo4j.database;
  const apiJobs = { tenant: DEV_PRINCIPAL.tenant, traceTag };
  const headers = (extra: Record<string, string> = {}) => ({ 'content-type': 'application/json', traceparent: traceparentFor(traceTag), ...extra });

  async function spawnWorker(id: string, extraEnv: Record<string, string> = {}): Promise<WorkerProcess> {
    const started = await spawnTsProcess('test/support/scripted-worker.ts', [], { env: { ...env, ...extraEnv, WORKER_ID: id }, ready: new RegExp(`READY ${id}`) });
    const worker: WorkerProcess = { id, child: started.child, stop: started.stop };
    workers.push(worker);
    return worker;
  }

  return {
    config,
    runtime,
    url,
    env,
    tenant,
    principal: { id: 'test', tenant },
    traceTag,
    headers,
    countJobs: () => countTracedJobs(runtime.driver, database, apiJobs),
    spawnWorker,
    async stopWorkers() {
      await Promise.all(workers.splice(0).map((w) => w.stop('SIGKILL')));
    },
    async graphql(query, variables) {
      const response = await fetch(`${url}/graphql`, { method: 'POST', headers: headers(), body: JSON.stringify({ query, variables }) });
      return (await response.json()) as never;
    },
    async close() {
      await Promise.all(workers.map((w) => w.stop('SIGKILL')));
      await (server as HttpServer).close();
      // Clean-up of the file's own prefix: a queue that cannot be obliterated leaves keys behind, not a wrong result.
      await Promise.all(Object.values(runtime.queues).map((q) => q.obliterate({ force: true }).catch(() => {})));
      try {
        const keys = await runtime.redis.keys(`${runtime.keyPrefix}:*`);
        for (let i = 0; i < keys.length; i += 500) await runtime.redis.del(...keys.slice(i, i + 500));
        await deleteTracedJobs(runtime.driver, database, apiJobs);
        await deleteTenantGraph(runtime.driver, database, tenant);
      } finally {
        await closeRuntime(runtime);
      }
    },
  };
}

export async function waitUntil<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 20_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
