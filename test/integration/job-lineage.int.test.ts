import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraphDriver } from '../../src/graph/driver.js';
import { createJobLineage, type JobFacts, type JobLineage } from '../../src/graph/job-lineage.js';
import { migrateGraph } from '../../src/graph/migrate.js';
import { deleteTenantGraph, testTenant } from './support/graph-cleanup.js';
import { testConfig } from './support/services.js';

describe('job lineage in Neo4j', () => {
  const config = testConfig();
  const driver = createGraphDriver(config.neo4j);
  const tenant = testTenant('lineage');
  let lineage: JobLineage;
  const factsOf = (id: string, parentJobId: string | null = null): JobFacts => ({
    id,
    type: 'execute',
    tenant,
    traceId: 'f'.repeat(32),
    idempotencyKey: null,
    parentJobId,
    principal: 'test',
    enqueuedAt: new Date().toISOString(),
    maxAttempts: 3,
    inputJson: '{"action":"noop"}',
  });

  beforeAll(async () => {
    await migrateGraph(driver, config.neo4j.database);
    lineage = createJobLineage(driver, config.neo4j.database);
  });
  afterAll(async () => {
    await deleteTenantGraph(driver, config.neo4j.database, tenant);
    await driver.close();
  });

  it("lets a worker's first update create the whole record, and the control plane's late create keep its status", async () => {
    const parent = factsOf(`execute-${randomUUID()}`);
    await lineage.create({ ...parent, status: 'completed', attempts: 1, updatedAtMs: Date.now() });
    const facts = factsOf(`execute-${randomUUID()}`, parent.id);
    const t0 = Date.now();
    await lineage.update(facts.id, { status: 'active', attempts: 1, workerId: 'w1', updatedAtMs: t0 }, facts);
    // Neo4j keeps no null properties: idempotencyKey is simply absent.
    const { idempotencyKey: _none, ...stored } = facts;
    expect(await lineage.get(facts.id, tenant)).toMatchObject({ ...stored, status: 'active', workerId: 'w1' });

    await lineage.create({ ...facts, status: 'queued', attempts: 0, updatedAtMs: t0 - 5 });
    const read = await lineage.get(facts.id, tenant);
    expect(read).toMatchObject({ status: 'active', attempts: 1, parentJobId: parent.id });
    // An update without facts for a job never created leaves a record no tenant can read.
    const orphan = `execute-${randomUUID()}`;
    await lineage.update(orphan, { status: 'active', updatedAtMs: t0 });
    expect(await lineage.get(orphan, tenant)).toBeNull();
    await driver.executeQuery('MATCH (j:Job {id: $orphan}) DELETE j', { orphan }, { database: config.neo4j.database });
  });

  it('never lets an older status overwrite a newer one', async () => {
    const facts = factsOf(`execute-${randomUUID()}`);
    const t0 = Date.now();
    await lineage.create({ ...facts, status: 'queued', attempts: 0, updatedAtMs: t0 });
    await lineage.update(facts.id, { status: 'completed', updatedAtMs: t0 + 20 }, facts);
    await lineage.update(facts.id, { status: 'active', updatedAtMs: t0 + 10 }, facts);
    expect((await lineage.get(facts.id, tenant))?.status).toBe('completed');
  });
});
