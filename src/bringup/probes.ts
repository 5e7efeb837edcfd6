import { Redis } from 'ioredis';
import type { Driver } from 'neo4j-driver';
import type { SqlClient } from '../db/sql-client.js';
import { AppError } from '../errors.js';

/** What /readyz and the bring-up report say about one dependency. */
export interface ProbeResult {
  ok: boolean;
  latencyMs: number;
  version?: string;
  detail?: string;
  error?: string;
}

async function timed(work: () => Promise<Pick<ProbeResult, 'version' | 'detail'>>): Promise<ProbeResult> {
  const started = performance.now();
  try {
    const found = await work();
    return { ok: true, latencyMs: round(performance.now() - started), ...found };
  } catch (error) {
    return { ok: false, latencyMs: round(performance.now() - started), error: (error as Error).message };
  }
}

const round = (ms: number) => Math.round(ms * 10) / 10;

export function probeRedis(redis: Redis): Promise<ProbeResult> {
  return timed(async () => {
    await redis.ping();
    const info = await redis.info('server');
    return { version: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown' };
  });
}

/** Probes a Redis URL with a short-lived connection that gives up fast instead of retrying forever. */
export async function probeRedisUrl(url: string, timeoutMs = 1500): Promise<ProbeResult> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {}); // the failed command below carries the same error into the probe's result
  try {
    await redis.connect();
    return await probeRedis(redis);
  } catch (error) {
    return { ok: false, latencyMs: 0, error: (error as Error).message };
  } finally {
    redis.disconnect();
  }
}

export function probeNeo4j(driver: Driver, database: string): Promise<ProbeResult> {
  return timed(async () => {
    const { records } = await driver.executeQuery('CALL dbms.components() YIELD name, versions, edition', {}, { database });
    const first = records[0];
    const versions = (first?.get('versions') as string[] | undefined) ?? [];
    return { version: versions[0] ?? 'unknown', detail: `${first?.get('name') ?? 'Neo4j'} ${first?.get('edition') ?? ''}`.trim() };
  });
}

export function probePostgres(sql: SqlClient): Promise<ProbeResult> {
  return timed(async () => {
    const { rows } = await sql.query<{ server: string; vector: string | null }>(
      `SELECT current_setting('server_version') AS server,
              (SELECT extversion FROM pg_extension WHERE extname = 'vector') AS vector`,
    );
    const row = rows[0];
    if (!row?.vector) {
      throw new AppError('UPSTREAM_UNAVAILABLE', 'the vector extension is not installed in this database; run `npm run migrate`', {
        via: 'postgres',
        retryable: false,
      });
    }
    return { version: `pgvector ${row.vector}`, detail: `${sql.kind} ${row.server}` };
  });
}
