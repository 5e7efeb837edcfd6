import { realpathSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, waitUntil, type Platform } from './support/platform.js';
import { TEST_INDEX_ROOTS } from './support/services.js';

/** A build's workspace must be an existing folder inside the allowed roots (checked at enqueue, issue 11). */
const WORKSPACE = realpathSync(TEST_INDEX_ROOTS);

const ENQUEUE = `mutation($input: ExecuteInput!, $key: String, $parent: ID) {
  enqueueExecute(input: $input, idempotencyKey: $key, parentJobId: $parent) { jobId created job { id status traceId } } }`;
const JOB = `query($id: ID!) { job(id: $id) { id status attempts workerId result error { code } parentJobId } }`;

type EnqueueData = { enqueueExecute: { jobId: string; created: boolean; job: { status: string } } };
type JobData = { job: { status: string; attempts: number; workerId: string | null; result: Record<string, number> | null; parentJobId: string | null } };

describe('enqueueing jobs through GraphQL', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform({ COGO_MAX_PAYLOAD_BYTES: '200000' });
    await platform.spawnWorker('w1');
  });
  afterAll(() => platform?.close());

  /** This file's job records in the graph (a page of the listing would stop counting at its size). */
  const jobCount = () => platform.countJobs();
  const enqueue = (params: Record<string, unknown>, key?: string, parent?: string) =>
    platform.graphql<EnqueueData>(ENQUEUE, { input: { action: 'script', params }, key, parent });

  it('runs the job on a worker process and reads it back completed, with its events in order', async () => {
    const { data } = await enqueue({ steps: 3 });
    const jobId = data!.enqueueExecute.jobId;
    expect(jobId).toMatch(/^execute-[0-9a-f-]{36}$/);
    expect(data!.enqueueExecute.created).toBe(true);
    // The worker records the end in the graph, then publishes it: wait for the event, then the graph has it too.
    const events = await waitUntil(async () => {
      const list = await platform.runtime.events.read({ kind: 'job', jobId });
      return list.at(-1)?.type === 'execute.done' && list;
    });
    const { data: read } = await platform.graphql<JobData>(JOB, { id: jobId });
    expect(read!.job).toMatchObject({ status: 'completed', attempts: 1, workerId: 'w1', result: { steps: 3, runs: 1 } });
    expect(events.map((e) => e.type)).toEqual(['meta', 'meta', 'execute.progress', 'execute.progress', 'execute.progress', 'execute.done']);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(new Set(events.map((e) => e.traceId)).size).toBe(1);
  });

  it("has the job's graph record in place before a worker can start it", async () => {
    const ids = await Promise.all(
      Array.from({ length: 40 }, async () => {
        const { data, errors } = await platform.graphql<EnqueueData>(ENQUEUE, { input: { action: 'read-record' } });
        expect(errors).toBeUndefined();
        return data!.enqueueExecute.jobId;
      }),
    );
    const results = await Promise.all(
      ids.map((id) =>
        waitUntil(async () => {
          const { data } = await platform.graphql<JobData>(JOB, { id });
          return data?.job.status === 'completed' && data.job.result;
        }),
      ),
    );
    expect(results).toEqual(ids.map(() => ({ recorded: true })));
  });

  it('never reads a job as completed without its result while it finishes', async () => {
    const ids = await Promise.all(Array.from({ length: 30 }, async (_, i) => (await enqueue({ steps: 1 + (i % 3) })).data!.enqueueExecute.jobId));
    // Reads race the finish: the record, BullMQ's job and its state are read at different moments.
    const lastReads = await Promise.all(
      ids.map(async (id) => {
        for (;;) {
          const { data } = await platform.graphql<JobData>(JOB, { id });
          if (data?.job.status === 'completed') return data.job.result;
        }
      }),
    );
    expect(lastReads.map((r) => r?.runs)).toEqual(ids.map(() => 1));
  });

  it('carries the W3C traceparent of the request into the job and its events', async () => {
    const headers = platform.headers();
    const traceId = headers.traceparent!.split('-')[1]!;
    const response = await fetch(`${platform.url}/graphql`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: ENQUEUE, variables: { input: { action: 'script', params: {} } } }),
    });
    const { data } = (await response.json()) as { data: { enqueueExecute: { jobId: string; job: { traceId: string } } } };
    expect(data.enqueueExecute.job.traceId).toBe(traceId);
    const [first] = await platform.runtime.events.read({ kind: 'job', jobId: data.enqueueExecute.jobId });
    expect(first?.traceId).toBe(traceId);
  });

  it('records every job mutation in audit_log, accepted or refused, with who asked and the trace', async () => {
    const traceparent = platform.headers().traceparent!;
    const traceId = traceparent.split('-')[1]!;
    const withTrace = (variables: Record<string, unknown>) =>
      fetch(`${platform.url}/graphql`, {
        method: 'POST',
        headers: { ...platform.headers(), traceparent },
        body: JSON.stringify({ query: ENQUEUE, variables }),
      }).then((r) => r.json() as Promise<{ data?: EnqueueData; errors?: { extensions: { code: string } }[] }>);
    const accepted = await withTrace({ input: { action: 'script', params: { steps: 30, stepMs: 100 } } });
    const jobId = accepted.data!.enqueueExecute.jobId;
    const refused = await withTrace({ input: { action: 'script', params: {} }, parent: 'execute-00000000-0000-4000-8000-000000000000' });
    expect(refused.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    expect((await platform.graphql(`mutation { cancelJob(id: "${jobId}") { status } }`)).errors).toBeUndefined();

    await platform.runtime.audit.flush();
    const { rows } = await platform.runtime.sql.query<{
      action: string;
      target: string | null;
      outcome: string;
      error_code: string | null;
      tenant: string;
      principal: string;
      details: Record<string, unknown>;
    }>(
      "SELECT action, target, outcome, error_code, tenant, principal, details FROM audit_log WHERE trace_id = $1 OR (target = $2 AND action = 'cancel') ORDER BY id",
      [traceId, jobId],
    );
    expect(rows.map((r) => [r.action, r.target, r.outcome, r.error_code])).toEqual([
      ['enqueue.execute', jobId, 'accepted', null],
      ['enqueue.execute', null, 'refused', 'NOT_FOUND'],
      ['cancel', jobId, 'accepted', null],
    ]);
    expect(rows[0]).toMatchObject({ tenant: platform.tenant, principal: platform.principal.id, details: { created: true } });
  });

  describe('with an idempotencyKey', () => {
    it('turns 50 concurrent identical calls into one job', async () => {
      const results = await Promise.all(Array.from({ length: 50 }, () => enqueue({ steps: 1 }, 'fifty-at-once')));
      const ids = new Set(results.map((r) => r.data?.enqueueExecute.jobId));
      expect(results.every((r) => !r.errors)).toBe(true);
      expect(ids.size).toBe(1);
      expect(results.filter((r) => r.data?.enqueueExecute.created)).toHaveLength(1);
      const [jobId] = [...ids] as string[];
      const inGraph = await platform.runtime.driver.executeQuery(
        'MATCH (j:Job {idempotencyKey: $key, tenant: $tenant}) WHERE j.id STARTS WITH "execute-" AND j.id = $id RETURN count(j) AS n',
        { key: 'fifty-at-once', id: jobId, tenant: platform.tenant },
      );
      expect(inGraph.records[0]?.get('n')).toBe(1);
      const counts = await platform.runtime.queues.execute.getJobCounts();
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      await waitUntil(async () => (await platform.graphql<JobData>(JOB, { id: jobId })).data?.job.status === 'completed');
      const runs = await platform.runtime.redis.get(`${platform.runtime.keyPrefix}:test:runs:${jobId}`);
      expect(runs).toBe('1');
      expect(total).toBeGreaterThanOrEqual(1);
    });

    it('refuses the same key with another payload with IDEMPOTENCY_CONFLICT and enqueues nothing', async () => {
      const first = await enqueue({ steps: 1 }, 'conflicting-key');
      const before = await jobCount();
      const second = await enqueue({ steps: 2 }, 'conflicting-key');
      expect(second.errors?.[0]?.extensions).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT', via: 'jobs', jobId: first.data?.enqueueExecute.jobId });
      expect(await jobCount()).toBe(before);
    });
  });

  it("never shows a build job's env values: the graph record and reads carry ***", async () => {
    const { data } = await platform.graphql<{ enqueueBuild: { jobId: string; job: { input: { env: Record<string, string> } } } }>(
      `mutation { enqueueBuild(input: {workspace: "${WORKSPACE}", command: ["make"], env: {API_TOKEN: "s3cr3t-value"}}) { jobId job { input } } }`,
    );
    expect(data!.enqueueBuild.job.input.env).toEqual({ API_TOKEN: '***' });
    const record = await platform.runtime.driver.executeQuery('MATCH (j:Job {id: $id}) RETURN j.inputJson AS input', { id: data!.enqueueBuild.jobId });
    expect(record.records[0]?.get('input')).not.toContain('s3cr3t-value');
    const rest = await (await fetch(`${platform.url}/v1/jobs/${data!.enqueueBuild.jobId}`, { headers: platform.headers() })).text();
    expect(rest).not.toContain('s3cr3t-value');
    // The worker still gets the real value.
    const queued = await platform.runtime.queues.build.getJob(data!.enqueueBuild.jobId);
    expect((queued!.data.input as { env: Record<string, string> }).env.API_TOKEN).toBe('s3cr3t-value');
  });

  it("refuses to run a build again from its redacted record once BullMQ's copy is gone, and changes nothing", async () => {
    const build = (env: string) =>
      platform.graphql<{ enqueueBuild: { jobId: string } }>(`mutation { enqueueBuild(input: {workspace: "${WORKSPACE}", command: ["make"]${env}}) { jobId } }`);
    const withSecret = (await build(', env: {API_TOKEN: "s3cr3t-value"}')).data!.enqueueBuild.jobId;
    const plain = (await build('')).data!.enqueueBuild.jobId;
    for (const id of [withSecret, plain]) expect((await platform.graphql(`mutation { cancelJob(id: "${id}") { status } }`)).errors).toBeUndefined();
    expect(await platform.runtime.queues.build.getJob(withSecret)).toBeUndefined();

    const refused = await platform.graphql(`mutation { retryJob(id: "${withSecret}") { status } }`);
    expect(refused.errors?.[0]?.extensions.code).toBe('BAD_INPUT');
    expect(refused.errors?.[0]?.message).toMatch(/env values are no longer kept/);
    expect((await platform.graphql<JobData>(JOB, { id: withSecret })).data!.job.status).toBe('cancelled');
    expect(await platform.runtime.queues.build.getJob(withSecret)).toBeUndefined();

    const again = await platform.graphql<{ retryJob: { status: string } }>(`mutation { retryJob(id: "${plain}") { status } }`);
    expect(again.data?.retryJob.status).toBe('queued');
    expect((await platform.runtime.queues.build.getJob(plain))?.data.input).toMatchObject({ workspace: WORKSPACE, command: ['make'] });
  });

  it('links a child job to its parent in Neo4j', async () => {
    const parent = (await enqueue({})).data!.enqueueExecute.jobId;
    const child = (await enqueue({}, undefined, parent)).data!.enqueueExecute.jobId;
    const { data } = await platform.graphql<JobData>(JOB, { id: child });
    expect(data?.job.parentJobId).toBe(parent);
    const edge = await platform.runtime.driver.executeQuery('MATCH (:Job {id: $child})-[r:CHILD_OF]->(:Job {id: $parent}) RETURN count(r) AS n', {
      child,
      parent,
    });
    expect(edge.records[0]?.get('n')).toBe(1);
  });

  describe('bad input changes nothing', () => {
    it.each([
      ['an invalid payload', 'BAD_INPUT', { input: { action: '', params: {} } }],
      ['a malformed idempotency key', 'BAD_INPUT', { input: { action: 'x' }, key: 'has spaces in it' }],
      ['a malformed parent id', 'BAD_INPUT', { input: { action: 'x' }, parent: 'not-a-job' }],
      ['a parent that does not exist', 'NOT_FOUND', { input: { action: 'x' }, parent: 'execute-00000000-0000-4000-8000-000000000000' }],
    ])('%s → %s', async (_name, code, variables) => {
      const before = await jobCount();
      const { errors } = await platform.graphql(ENQUEUE, variables);
      expect(errors?.[0]?.extensions.code).toBe(code);
      expect(await jobCount()).toBe(before);
    });

    it('an oversized payload → 413 PAYLOAD_TOO_LARGE', async () => {
      const before = await jobCount();
      const response = await fetch(`${platform.url}/graphql`, {
        method: 'POST',
        headers: platform.headers(),
        body: JSON.stringify({ query: ENQUEUE, variables: { input: { action: 'x', params: { blob: 'x'.repeat(300_000) } } } }),
      });
      expect(response.status).toBe(413);
      expect(await response.json()).toMatchObject({ ok: false, code: 'PAYLOAD_TOO_LARGE' });
      expect(await jobCount()).toBe(before);
    });

    it('a malformed job id → BAD_INPUT, an unknown one → NOT_FOUND', async () => {
      expect((await platform.graphql(JOB, { id: '../../etc' })).errors?.[0]?.extensions.code).toBe('BAD_INPUT');
      expect((await platform.graphql(JOB, { id: 'research-00000000-0000-4000-8000-000000000000' })).errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    });
  });

  it('lists jobs newest first as a Relay connection, filtered by type and status', async () => {
    const query = `query($after: String) { jobs(filter: {type: execute, status: completed}, first: 2, after: $after) {
      edges { cursor node { id status enqueuedAt } } pageInfo { hasNextPage endCursor } } }`;
    type Page = { jobs: { edges: { node: { id: string; status: string; enqueuedAt: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } };
    const first = (await platform.graphql<Page>(query)).data!.jobs;
    expect(first.edges).toHaveLength(2);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await platform.graphql<Page>(query, { after: first.pageInfo.endCursor })).data!.jobs;
    const ids = [...first.edges, ...second.edges].map((e) => e.node.id);
    expect(new Set(ids).size).toBe(ids.length);
    const times = [...first.edges, ...second.edges].map((e) => e.node.enqueuedAt);
    expect([...times].sort().reverse()).toEqual(times);
    expect([...first.edges, ...second.edges].every((e) => e.node.status === 'completed')).toBe(true);
    expect((await platform.graphql(query, { after: 'garbage' })).errors?.[0]?.extensions.code).toBe('BAD_INPUT');
  });

  it('reports queue stats and the live worker', async () => {
    type Stats = { queueStats: { queue: string; waiting: number; completed: number }[]; agents: { id: string; queues: string[] }[] };
    const { data } = await platform.graphql<Stats>('{ queueStats { queue waiting completed } agents { id queues } }');
    expect(data!.queueStats.map((q) => q.queue)).toEqual(['research', 'indexing', 'build', 'execute', 'orchestrate']);
    expect(data!.queueStats.find((q) => q.queue === 'execute')!.completed).toBeGreaterThanOrEqual(3);
    expect(data!.agents).toEqual([expect.objectContaining({ id: 'w1', queues: ['execute'] })]);
  });
});
