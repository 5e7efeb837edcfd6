import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { IndexingInput } from '../agents/indexing/index.js';
import { loadConfig } from '../src/config/index.js';
import { createCpuPool } from '../src/cpu/cpu-pool.js';
import { migrateSql } from '../src/db/migrate.js';
import { createPostgresClient } from '../src/db/postgres-client.js';
import { createGraphDriver, runCypher } from '../src/graph/driver.js';
import { migrateGraph } from '../src/graph/migrate.js';
import { createLogger } from '../src/observability/logger.js';
import { SQL_MIGRATIONS_DIR } from '../src/runtime.js';
import type { JobContext } from '../src/queue/job-context.js';

/** The value below which `p` % of `values` fall (nearest rank), to 0.1. */
export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 10) / 10 : NaN;
};

export const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/** A job context for running the indexing agent in the benchmark's own process: no queue, no events. */
export function benchContext(input: IndexingInput, tenant: string): JobContext<IndexingInput> {
  let checkpoint: unknown;
  const noop = async () => {};
  return {
    jobId: `indexing-${randomUUID()}`,
    area: 'indexing',
    input,
    traceId: 'bench',
    tenant,
    attempt: 1,
    workerId: 'bench',
    signal: new AbortController().signal,
    logger: createLogger({ level: 'silent' }),
    progress: noop,
    partial: noop,
    log: noop,
    emit: noop,
    checkpoint: { get: async <T>() => checkpoint as T | undefined, set: async (value) => void (checkpoint = structuredClone(value)) },
    // One run in one process, no queue: the lease is never lost.
    assertLease: noop,
  };
}

/**
 * What an indexing benchmark runs against: a scratch database on the test Postgres server (migrated), Neo4j,
 * Redis and a CPU pool; `close(tenants)` removes the tenants' graph nodes, the database and the work folder.
 */
export async function openIndexingBench(prefix: string) {
  const config = loadConfig();
  const recorded = path.join(config.dataDir, 'test-services.json');
  const serverUrl = process.env.TEST_DATABASE_URL ?? config.postgres.url ?? (JSON.parse(readFileSync(recorded, 'utf8')) as { databaseUrl: string }).databaseUrl;
  const id = randomUUID().slice(0, 8);
  const dbName = `cogo_bench_${id}`;
  const admin = createPostgresClient(serverUrl, { max: 1 });
  await admin.exec(`CREATE DATABASE ${dbName}`);
  const url = new URL(serverUrl);
  url.pathname = `/${dbName}`;
  const sql = createPostgresClient(url.toString(), { max: 8 });
  const driver = createGraphDriver(config.neo4j);
  const redis = new Redis(config.redis.url, { maxRetriesPerRequest: null });
  const cpu = createCpuPool({ threads: config.cpu.threads });
  const work = await mkdtemp(path.join(os.tmpdir(), `${prefix}-`));
  await migrateSql(sql, SQL_MIGRATIONS_DIR);
  await migrateGraph(driver, config.neo4j.database);
  return {
    config,
    id,
    sql,
    driver,
    redis,
    cpu,
    work,
    async close(tenants: readonly string[]) {
      for (const tenant of tenants) {
        for (;;) {
          const rows = await runCypher<{ n: number }>(
            driver,
            config.neo4j.database,
            'MATCH (n:Document|Chunk|Entity {tenant: $tenant}) WITH n LIMIT 5000 DETACH DELETE n RETURN count(*) AS n',
            { tenant },
          );
          if (!rows[0]?.n) break;
        }
      }
      await cpu.close();
      await sql.close();
      await admin.exec(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.close();
      await driver.close();
      redis.disconnect();
      await rm(work, { recursive: true, force: true });
    },
  };
}
