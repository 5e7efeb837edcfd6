import type { ChildProcess } from 'node:child_process';
import { startApi } from '../../../src/app.js';
import type { Config } from '../../../src/config/index.js';
import { createLogger } from '../../../src/observability/logger.js';
import { closeRuntime, createRuntime, migrateAll, type Runtime } from '../../../src/runtime.js';
import { createKeyStore } from '../../../src/auth/key-store.js';
import type { HttpServer } from '../../../src/server/http-server.js';
import { spawnTsProcess } from '../../support/child-process.js';
import { SCRIPTED_ACTIONS } from '../../support/scripted-actions.js';
import { countTracedJobs, deleteTenantGraph, deleteTracedJobs, newTraceTag, testTenant, traceparentFor } from './graph-cleanup.js';
import { TEST_INDEX_ROOTS, testConfig, testDatabaseUrl } from './services.js';

export interface WorkerProcess {
  id: string;
  child: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Its stdout and stderr so far. */
  output(): string;
}

export interface Platform {
  config: Config;
  runtime: Runtime;
  url: string;
  env: NodeJS.ProcessEnv;
  /**
   * This platform's own tenant: its API requests act for it (an API key with every scope), and so may what a
   * test writes through the services directly (`runtime.jobs.enqueue` with `principal`, stores, raw Cypher).
   * Every node of it is deleted at `close()`.
   */
  tenant: string;
  /** The API key's principal (its id is the key's id). */
  principal: { id: string; tenant: string };
  /** `Bearer <the platform's API key>`: for clients the platform does not make (graphql-ws, graphql-sse, raw fetch). */
  authorization: string;
  /** Stamped on the platform's requests' trace ids too (`countJobs` counts by tenant and tag). */
  traceTag: string;
  /** Headers for a request to the API made without `graphql()`: JSON, the credential, a traceparent carrying `traceTag`. */
  headers(extra?: Record<string, string>): Record<string, string>;
  /** The (:Job) records this platform's API requests created: a count no other test can change. */
  countJobs(): Promise<number>;
  graphql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<{ data?: T; errors?: { message: string; extensions: Record<string, unknown> }[] }>;
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
export async function startPlatform(given: Record<string, string> = {}): Promise<Platform> {
  // The platform's key serves a whole test file's requests, bursts of 50 included: its rate limit is the test's own
  // business (auth-boundary sets a low one to test it).
  const overrides = { COGO_RATE_LIMIT_PER_SEC: '10000', COGO_RATE_LIMIT_BURST: '10000', ...given };
  // Worker and CLI processes get the same allowed roots as this process (services.ts: the temp folder).
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: testDatabaseUrl(), LOG_LEVEL: 'silent', COGO_INDEX_ROOTS: TEST_INDEX_ROOTS, ...overrides };
  const config = testConfig({ DATABASE_URL: env.DATABASE_URL, ...overrides });
  env.COGO_QUEUE_PREFIX = config.redis.prefix;
  const runtime = await createRuntime(config, createLogger({ level: 'silent' }), { executeActions: SCRIPTED_ACTIONS });
  await migrateAll(runtime);
  const { server, url } = await startApi(runtime);
  // The CLI is a client of this API, like any other.
  env.COGO_URL = url;
  const workers: WorkerProcess[] = [];
  const tenant = testTenant('platform');
  const traceTag = newTraceTag();
  const database = config.neo4j.database;
  // The platform's requests act for a tenant of its own (an API key with every scope), so what they create is
  // this file's alone: counted by tenant, and deleted with the tenant when the platform closes. Worker and CLI
  // processes it starts present the same key.
  const { key, record } = await createKeyStore(runtime.sql).create({ name: `integration ${tenant}`, tenant, scopes: ['*'] });
  env.COGO_API_KEY = key;
  const authorization = `Bearer ${key}`;
  const apiJobs = { tenant, traceTag };
  const headers = (extra: Record<string, string> = {}) => ({
    'content-type': 'application/json',
    authorization,
    traceparent: traceparentFor(traceTag),
    ...extra,
  });

  async function spawnWorker(id: string, extraEnv: Record<string, string> = {}): Promise<WorkerProcess> {
    const started = await spawnTsProcess('test/support/scripted-worker.ts', [], {
      env: { ...env, ...extraEnv, WORKER_ID: id },
      ready: new RegExp(`READY ${id}`),
    });
    const worker: WorkerProcess = { id, child: started.child, stop: started.stop, output: started.output };
    workers.push(worker);
    return worker;
  }

  return {
    config,
    runtime,
    url,
    env,
    tenant,
    principal: { id: record.id, tenant },
    authorization,
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
