import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkers } from '../../src/app.js';
import { createKeyStore } from '../../src/auth/key-store.js';
import { SCOPES } from '../../src/auth/scopes.js';
import type { BusEvent } from '../../src/events/event-types.js';
import type { JobData } from '../../src/queue/job-record.js';
import { newJobId } from '../../src/queue/job-types.js';
import type { WorkerHost } from '../../src/queue/worker-host.js';
import { copyCorpus, createScratchDatabase, removeGraphOf } from '../support/indexing-fixtures.js';
import { startOpenAiServer, type OpenAiServer } from '../support/openai-server.js';
import { startPlatform, waitUntil, type Platform } from './support/platform.js';
import { indexThroughApi, modelTiersAt, passageIdSaying } from '../support/ask-fixtures.js';

const finished = (events: BusEvent[]) => events.find((e) => ['orchestrate.done', 'job.dead', 'job.cancelled'].includes(e.type));

describe('orchestrate agent: retrieve, route, answer, check grounding, escalate, store model calls', () => {
  let platform: Platform;
  let worker: WorkerHost;
  let models: OpenAiServer;
  let db: Awaited<ReturnType<typeof createScratchDatabase>>;
  let corpus: Awaited<ReturnType<typeof copyCorpus>>;
  const database = () => platform.config.neo4j.database;
  const jobIds: string[] = [];

  beforeAll(async () => {
    [db, corpus, models] = await Promise.all([createScratchDatabase(), copyCorpus(), startOpenAiServer()]);
    platform = await startPlatform({
      DATABASE_URL: db.url,
      ...modelTiersAt(models.url, 5000),
    });
    worker = await startWorkers(platform.runtime, ['indexing', 'orchestrate']);
    expect(await indexThroughApi(platform, corpus.root)).toBe('indexing.done');
  });
  afterAll(async () => {
    await worker?.close();
    if (platform) {
      await platform.runtime.driver.executeQuery('MATCH (m:ModelCall) WHERE m.jobId IN $ids DETACH DELETE m', { ids: jobIds }, { database: database() });
      await removeGraphOf(platform.runtime.driver, database(), corpus.root);
    }
    await platform?.close();
    await Promise.all([db?.drop(), corpus?.remove(), models?.close()]);
  });

  /** Queued as the control plane queues jobs (BullMQ data with the job envelope); the worker writes its record. */
  async function ask(question: string, extra: Record<string, unknown> = {}): Promise<{ jobId: string; events: BusEvent[] }> {
    const jobId = newJobId('orchestrate');
    jobIds.push(jobId);
    const data: JobData = {
      input: { question, k: 5, ...extra },
      meta: {
        tenant: platform.tenant,
        traceId: randomUUID().replace(/-/g, ''),
        principal: 'anonymous',
        idempotencyKey: null,
        parentJobId: null,
        enqueuedAt: new Date().toISOString(),
      },
    };
    await platform.runtime.queues.orchestrate.add('orchestrate', data, { jobId });
    await waitUntil(async () => finished(await platform.runtime.events.read({ kind: 'job', jobId })), 30_000).catch(async (error: unknown) => {
      throw new Error(`${String(error)}; events: ${JSON.stringify((await platform.runtime.events.read({ kind: 'job', jobId })).map((e) => [e.type, e.data]))}`);
    });
    return { jobId, events: await platform.runtime.events.read({ kind: 'job', jobId }) };
  }

  it('streams deltas in order, escalates an ungrounded nano answer to mini, and stores both calls with why', async () => {
    models.script('nano-model', {
      compose: (r) => `The vault rotates its archive keys every thirty days [${passageIdSaying(r, 'ninety days')}].`,
      chunkSize: 7,
    });
    models.script('mini-model', {
      compose: (r) => `The vault rotates its archive keys every ninety days [${passageIdSaying(r, 'ninety days')}].`,
      chunkSize: 7,
    });
    // Asking about key rotation is not rotating keys: the caller says the risk, or the router would pick full.
    const { jobId, events } = await ask('How often does the vault rotate its archive keys?', { risk: 'low' });

    const done = events.find((e) => e.type === 'llm.done')?.data as {
      answer: string;
      provider: string;
      citations: { n: number; id: string; ref: string }[];
      tiersUsed: string[];
      costUsd: number;
      grounded: boolean;
      attempts: { tier: string; ok: boolean; failure: string | null; escalatedFrom: string | null }[];
    };
    expect(done, JSON.stringify(events.map((e) => [e.type, e.data]))).toBeDefined();
    expect(done.provider).toBe('model');
    expect(events.find((e) => e.type === 'meta' && (e.data as { route?: unknown }).route)?.data).toMatchObject({ route: { tier: 'nano', taskType: 'answer' } });
    expect(done.answer, done.answer).toMatch(/^The vault rotates its archive keys every ninety days\. \[[^\]]+\]$/);
    expect(done.citations).toHaveLength(1);
    expect(done.citations[0]?.ref).toMatch(/^docs\/guide\.md:\d+-\d+$/);
    expect(done.tiersUsed).toEqual(['nano', 'mini']);
    expect(done.attempts.map((a) => [a.tier, a.failure, a.escalatedFrom])).toEqual([
      ['nano', 'ungrounded', null],
      ['mini', null, 'nano'],
    ]);
    expect(done.grounded).toBe(true);

    const deltas = events.filter((e) => e.type === 'llm.delta').map((e) => e.data as { seq: number; attempt: number; text: string });
    expect(deltas.map((d) => d.seq)).toEqual(deltas.map((_, i) => i));
    expect(
      deltas
        .filter((d) => d.attempt === 1)
        .map((d) => d.text)
        .join(''),
    ).toContain('every ninety days');
    expect(
      deltas
        .filter((d) => d.attempt === 0)
        .map((d) => d.text)
        .join(''),
    ).toContain('every thirty days');
    const order = events.map((e) => e.type);
    const routeAt = events.findIndex((e) => e.type === 'meta' && (e.data as { route?: unknown }).route);
    expect(routeAt).toBeLessThan(order.indexOf('llm.delta'));
    expect(order.lastIndexOf('llm.delta')).toBeLessThan(order.indexOf('llm.done'));

    const { records } = await platform.runtime.driver.executeQuery(
      'MATCH (:Job {id: $jobId})-[:MADE_CALL]->(m:ModelCall) RETURN m ORDER BY m.seq',
      { jobId },
      { database: database() },
    );
    const calls = records.map((r) => (r.get('m') as { properties: Record<string, unknown> }).properties);
    // Neo4j stores no null properties: an absent reason or escalatedFrom reads back as undefined.
    expect(calls.map((c) => [c.tier, c.model, c.reason ?? null, c.escalatedFrom ?? null])).toEqual([
      ['nano', 'nano-model', 'ungrounded', null],
      ['mini', 'mini-model', null, 'nano'],
    ]);
    const total = calls.reduce((sum, c) => sum + Number(c.costUsd), 0);
    expect(total).toBeGreaterThan(0);
    expect(total).toBeCloseTo(done.costUsd, 12);
    expect(calls.every((c) => Number(c.tokensIn) > 0 && Number(c.tokensOut) > 0)).toBe(true);
  });

  it('is enqueued like every job type: GraphQL enqueueOrchestrate and REST POST /v1/orchestrate/enqueue, input checked first', async () => {
    models.script('nano-model', {
      compose: (r) => `The vault rotates its archive keys every ninety days [${passageIdSaying(r, 'ninety days')}].`,
      chunkSize: 50,
    });
    const { data, errors } = await platform.graphql<{ enqueueOrchestrate: { jobId: string } }>(
      'mutation($q: String!) { enqueueOrchestrate(input: {question: $q, risk: "low", k: 4}) { jobId } }',
      { q: 'How often does the vault rotate its archive keys?' },
    );
    expect(errors).toBeUndefined();
    const jobId = data!.enqueueOrchestrate.jobId;
    jobIds.push(jobId);
    expect(jobId).toMatch(/^orchestrate-/);
    const events = await waitUntil(async () => {
      const read = await platform.runtime.events.read({ kind: 'job', jobId });
      return finished(read) && read;
    }, 30_000);
    expect(events.find((e) => e.type === 'llm.done')?.data).toMatchObject({ provider: 'model', grounded: true });

    const bad = await platform.graphql('mutation { enqueueOrchestrate(input: {question: "why?", k: 99}) { jobId } }');
    expect(bad.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_INPUT' } });
    const rest = await fetch(`${platform.url}/v1/orchestrate/enqueue`, {
      method: 'POST',
      headers: platform.headers(),
      body: JSON.stringify({ question: 'How often does the vault rotate its archive keys?', risk: 'low' }),
    });
    expect(rest.status).toBe(202);
    const body = (await rest.json()) as { jobId: string };
    jobIds.push(body.jobId);
    expect(body.jobId).toMatch(/^orchestrate-/);
    await waitUntil(async () => finished(await platform.runtime.events.read({ kind: 'job', jobId: body.jobId })), 30_000);
  });

  it('proposes a module blueprint from what it cited (scope graph:write), which a person then accepts', async () => {
    const enqueue = 'mutation ($input: OrchestrateInput!) { enqueueOrchestrate(input: $input) { jobId } }';
    const input = {
      question: 'How often does the vault rotate its archive keys?',
      k: 5,
      risk: 'low',
      proposeBlueprint: { name: 'vault-keys', kind: 'module' },
    };
    // A key that may ask but not write the graph: refused before anything is queued.
    const { key } = await createKeyStore(platform.runtime.sql).create({
      name: 'no graph:write',
      tenant: platform.tenant,
      scopes: SCOPES.filter((scope) => scope !== 'graph:write'),
    });
    const queued = async () => Object.values(await platform.runtime.queues.orchestrate.getJobCounts()).reduce((a, b) => a + b, 0);
    const before = await queued();
    const refused = (await (
      await fetch(`${platform.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query: enqueue, variables: { input } }),
      })
    ).json()) as { data?: unknown; errors?: Array<{ message: string; extensions: { code: string } }> };
    expect(refused.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    expect(refused.errors?.[0]?.message).toMatch(/graph:write/);
    expect(await queued()).toBe(before);
    await platform.runtime.sql.query('DELETE FROM api_keys WHERE name = $1 AND tenant = $2', ['no graph:write', platform.tenant]);

    models.script('nano-model', { compose: (r) => `The vault rotates its archive keys every ninety days [${passageIdSaying(r, 'ninety days')}].` });
    const enqueued = await platform.graphql<{ enqueueOrchestrate: { jobId: string } }>(enqueue, { input });
    expect(enqueued.errors).toBeUndefined();
    const jobId = enqueued.data!.enqueueOrchestrate.jobId;
    jobIds.push(jobId);
    const events = await waitUntil(async () => {
      const read = await platform.runtime.events.read({ kind: 'job', jobId });
      return finished(read) ? read : undefined;
    }, 30_000);
    const done = events.find((e) => e.type === 'llm.done')?.data as {
      citations: { id: string }[];
      blueprint: { id: string; status: string; version: number; created: boolean };
    };
    expect(done, JSON.stringify(events.map((e) => [e.type, e.data]))).toBeDefined();
    expect(done.citations).toHaveLength(1);
    expect(done.blueprint).toMatchObject({ status: 'proposed', created: true });

    const current = `query { graphCurrentBlueprint(name: "vault-keys") {
      id kind status createdBy specJson producedBy { id } documents { path chunks { id } } evidence { id } } }`;
    type Current = { id: string; specJson: string; documents: Array<{ path: string; chunks: Array<{ id: string }> }> };
    const proposed = (await platform.graphql<{ graphCurrentBlueprint: Current }>(current)).data!.graphCurrentBlueprint;
    expect(proposed).toMatchObject({ id: done.blueprint.id, kind: 'module', status: 'proposed', createdBy: jobId, producedBy: [{ id: jobId }], evidence: [] });
    // It describes the document whose chunk the answer cited, and says what the answer said.
    expect(proposed.documents).toHaveLength(1);
    expect(proposed.documents[0]!.chunks.map((c) => c.id)).toContain(done.citations[0]!.id);
    const spec = JSON.parse(proposed.specJson) as { summary: string; responsibilities: string[] };
    expect(spec.summary).toMatch(/ninety days/);
    expect(spec.responsibilities[0]).toContain(proposed.documents[0]!.path);

    const accepted = await platform.graphql('mutation ($id: ID!) { acceptBlueprint(id: $id) { status } }', { id: done.blueprint.id });
    expect(accepted.errors).toBeUndefined();
    const after = (await platform.graphql<{ graphCurrentBlueprint: { id: string; status: string } }>(current)).data!.graphCurrentBlueprint;
    expect(after).toMatchObject({ id: done.blueprint.id, status: 'accepted' });
  });
});
