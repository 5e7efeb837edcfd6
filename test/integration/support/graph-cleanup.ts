import { randomBytes, randomUUID } from 'node:crypto';
import neo4j, { type Driver } from 'neo4j-driver';
import { cypher } from '../../../src/graph/cypher-files.js';
import { runCypher } from '../../../src/graph/driver.js';

/**
 * Tests own their graph data: each file writes under a tenant of its own and deletes it afterwards, so counts
 * are the file's and nothing piles up in the developer's graph (issue 8, item 6).
 */

const TEST_TENANT = /^test-[a-z0-9-]+$/;

/** A fresh tenant for one test file, e.g. `test-lineage-1a2b3c4d`. */
export function testTenant(name: string): string {
  return `test-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${randomUUID().slice(0, 8)}`;
}

/** Deletes every node of `tenant`, in batches. Only test tenants: a slip cannot empty a real tenant's graph. */
export async function deleteTenantGraph(driver: Driver, database: string, tenant: string): Promise<number> {
  if (!TEST_TENANT.test(tenant)) throw new Error(`refusing to delete tenant "${tenant}": not a test tenant (test-…)`);
  let total = 0;
  for (;;) {
    const [row] = await runCypher<{ deleted: number }>(driver, database, cypher('testing/delete-tenant-graph'), { tenant, limit: neo4j.int(5000) });
    const deleted = Number(row?.deleted ?? 0);
    total += deleted;
    if (deleted === 0) return total;
  }
}

/**
 * The prefix a platform puts on the trace id of every request it sends (12 of the 32 hex digits), so the jobs
 * its requests create can be counted and deleted although they share the anonymous tenant with everyone's.
 */
export function newTraceTag(): string {
  return randomBytes(6).toString('hex');
}

/** A W3C traceparent whose trace id starts with `traceTag`: unique per request, recognisable per platform. */
export function traceparentFor(traceTag: string): string {
  return `00-${traceTag}${randomBytes(10).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
}

export async function deleteTracedJobs(driver: Driver, database: string, scope: { tenant: string; traceTag: string }): Promise<number> {
  const [row] = await runCypher<{ deleted: number }>(driver, database, cypher('testing/delete-traced-jobs'), scope);
  return Number(row?.deleted ?? 0);
}

export async function countTracedJobs(driver: Driver, database: string, scope: { tenant: string; traceTag: string }): Promise<number> {
  const [row] = await runCypher<{ n: number }>(driver, database, cypher('testing/count-traced-jobs'), scope, 'READ');
  return Number(row?.n ?? 0);
}
