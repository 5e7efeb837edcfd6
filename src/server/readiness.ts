import type { Redis } from 'ioredis';
import type { Driver } from 'neo4j-driver';
import { probeNeo4j, probePostgres, probeRedis, type ProbeResult } from '../bringup/probes.js';
import type { SqlClient } from '../db/sql-client.js';

export interface Readiness {
  ok: boolean;
  checks: Record<'redis' | 'neo4j' | 'postgres', ProbeResult>;
}

export function createReadinessCheck(deps: { redis: Redis; driver: Driver; neo4jDatabase: string; sql: SqlClient }) {
  return async function checkReadiness(): Promise<Readiness> {
    const [redis, neo4j, postgres] = await Promise.all([probeRedis(deps.redis), probeNeo4j(deps.driver, deps.neo4jDatabase), probePostgres(deps.sql)]);
    return { ok: redis.ok && neo4j.ok && postgres.ok, checks: { redis, neo4j, postgres } };
  };
}

export type ReadinessCheck = ReturnType<typeof createReadinessCheck>;
