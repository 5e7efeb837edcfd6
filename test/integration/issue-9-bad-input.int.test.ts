import { randomUUID } from 'node:crypto';
import { createClient as createSseClient } from 'graphql-sse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusEvent } from '../../src/events/event-types.js';
import { createSqlEventSink } from '../../src/events/sql-sink.js';
import { createLogger } from '../../src/observability/logger.js';
import { startPlatform, waitUntil, type Platform } from './support/platform.js';

type Errors = { message: string; extensions: Record<string, unknown> }[] | undefined;

/** Issue 9, point 6: each bad input gets its clear code, and changes nothing. */
describe('issue 9: clean refusals for bad input', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform();
    await platform.spawnWorker('issue-9-worker');
  });
  afterAll(() => platform?.close());

  const post = async (body: unknown) => {
    const response = await fetch(`${platform.url}/graphql`, { method: 'POST', headers: platform.headers(), body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: Errors } };
  };

  /** A finished job: one step of the scripted worker. */
  async function finishedJob(): Promise<{ jobId: string; lastEventId: string }> {
    const { data } = await platform.graphql<{ enqueueExecute: { jobId: string } }>(
      'mutation { enqueueExecute(input: {action: "script", params: {steps: 1, stepMs: 10}}) { jobId } }',
    );
    const jobId = data!.enqueueExecute.jobId;
    const events = await waitUntil(async () => {
      const read = await platform.runtime.events.read({ kind: 'job', jobId }, undefined, 100);
      return read.some((e) => e.type === 'execute.done') && read;
    });
    return { jobId, lastEventId: events.at(-1)!.id };
  }

  describe('the Postgres event log never drops a batch', () => {
    const event = (jobId: string, seq: number, data: Record<string, unknown>, overrides: Partial<BusEvent> = {}): BusEvent => ({
      id: `${Date.now()}-${seq}`,
      seq,
      jobId,
      traceId: 'a'.repeat(32),
      type: 'meta',
      ts: new Date().toISOString(),
      data,
      ...overrides,
    });
    const rowsOf = async (jobId: string) =>
      (
        await platform.runtime.sql.query<{ seq: string; data: Record<string, unknown> }>('SELECT seq, data FROM bus_events WHERE job_id = $1 ORDER BY seq', [
          jobId,
        ])
      ).rows;

    it("a NUL byte in one job's event (a research question) is escaped, and the other jobs' events of the window all arrive", async () => {
      const sink = createSqlEventSink(platform.runtime.sql, createLogger({ level: 'silent' }), { intervalMs: 60_000 });
      const nulJob = `research-${randomUUID()}`;
      const others = [`execute-${randomUUID()}`, `indexing-${randomUUID()}`];
      for (let seq = 1; seq <= 3; seq += 1) sink.push(event(others[0]!, seq, { step: seq }), { kind: 'job', jobId: others[0]! });
      sink.push(event(nulJob, 1, { question: 'tides\u0000 of \\u0000 the harbour', 'key\u0000': 1 }, { type: 'research\u0000.plan' }), {
        kind: 'job',
        jobId: nulJob,
      });
      for (let seq = 1; seq <= 3; seq += 1) sink.push(event(others[1]!, seq, { step: seq }), { kind: 'job', jobId: others[1]! });
      await sink.close();

      for (const jobId of others) expect((await rowsOf(jobId)).map((r) => Number(r.seq))).toEqual([1, 2, 3]);
      const [stored] = await rowsOf(nulJob);
      // The NUL is shown as U+FFFD; the text `\u0000` typed by a user stays that text.
      expect(stored?.data).toEqual({ question: 'tides\uFFFD of \\u0000 the harbour', 'key\uFFFD': 1 });
    });

    it('a row Postgres refuses for another reason costs only itself', async () => {
      const sink = createSqlEventSink(platform.runtime.sql, createLogger({ level: 'silent' }), { intervalMs: 60_000 });
      const good = `execute-${randomUUID()}`;
      const bad = `execute-${randomUUID()}`;
      sink.push(event(good, 1, {}), { kind: 'job', jobId: good });
      sink.push(event(bad, 1, {}, { ts: 'not a time' }), { kind: 'job', jobId: bad });
      sink.push(event(good, 2, {}), { kind: 'job', jobId: good });
      await sink.close();
      expect((await rowsOf(good)).map((r) => Number(r.seq))).toEqual([1, 2]);
      expect(await rowsOf(bad)).toEqual([]);
    });
  });

  it('a NUL in a search query (or filter) is BAD_INPUT, not INTERNAL', async () => {
    const query = 'query($q: String!, $f: SearchFilters) { search(query: $q, filters: $f) { query } }';
    const nulQuery = await platform.graphql(query, { q: 'harbour\u0000tides' });
    expect(nulQuery.errors?.[0]).toMatchObject({ message: 'the query contains a NUL character (U+0000)', extensions: { code: 'BAD_INPUT' } });
    const nulFilter = await platform.graphql(query, { q: 'harbour', f: { pathPrefixes: ['docs\u0000'] } });
    expect(nulFilter.errors?.[0]).toMatchObject({ message: 'filters.pathPrefixes contains a NUL character (U+0000)', extensions: { code: 'BAD_INPUT' } });
  });

  describe('event stream cursors', () => {
    it('graphql-sse with a garbage `after` answers BAD_INPUT instead of opening the stream and dropping the socket', async () => {
      const { jobId } = await finishedJob();
      const client = createSseClient({ url: `${platform.url}/graphql/stream`, retryAttempts: 0, headers: { authorization: platform.authorization } });
      try {
        const iterator = client.iterate({
          query: 'subscription($id: ID!, $after: String) { jobEvents(jobId: $id, after: $after) { id } }',
          variables: { id: jobId, after: 'garbage' },
        });
        const outcome = await iterator.next().then(
          (step) => ({ step }),
          (error: unknown) => ({ error }),
        );
        const errors = ('step' in outcome ? (outcome.step.value as { errors?: Errors }).errors : (outcome.error as Errors)) ?? [];
        expect(errors[0]).toMatchObject({ message: '"garbage" is not an event id (expected <ms>-<n>)', extensions: { code: 'BAD_INPUT' } });
      } finally {
        client.dispose();
      }
    });

    it("REST SSE: Last-Event-ID at a finished job's last event ends the stream; one beyond it is BAD_INPUT", async () => {
      const { jobId, lastEventId } = await finishedJob();
      const atEnd = await fetch(`${platform.url}/v1/jobs/${jobId}/events`, {
        headers: { authorization: platform.authorization, 'last-event-id': lastEventId },
        signal: AbortSignal.timeout(5000),
      });
      expect(atEnd.status).toBe(200);
      const text = await atEnd.text();
      expect(text).toContain('event: end');
      expect(text).not.toContain('id: ');

      const [ms] = lastEventId.split('-');
      const beyond = `${Number(ms) + 60_000}-0`;
      const refused = await fetch(`${platform.url}/v1/jobs/${jobId}/events`, {
        headers: { authorization: platform.authorization, 'last-event-id': beyond },
        signal: AbortSignal.timeout(5000),
      });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({
        ok: false,
        code: 'BAD_INPUT',
        error: `event id ${beyond} is beyond the last event of the stream (${lastEventId})`,
      });
    });
  });

  describe('GraphQL over HTTP', () => {
    it('an unknown operationName is BAD_INPUT', async () => {
      const { body } = await post({ query: 'query A { health { status } }', operationName: 'Nope' });
      expect(body.errors?.[0]).toMatchObject({ message: 'Unknown operation named "Nope".', extensions: { code: 'BAD_INPUT' } });
    });

    it('a subscription sent over plain POST /graphql is BAD_INPUT, naming the endpoints that serve it', async () => {
      const { body } = await post({ query: 'subscription { systemEvents { id } }' });
      expect(body.errors?.[0]?.extensions.code).toBe('BAD_INPUT');
      expect(body.errors?.[0]?.message).toMatch(/subscriptions are served over graphql-ws \(\/graphql\) and graphql-sse \(\/graphql\/stream\)/);
    });

    it('a query-limit refusal says which limit, without "Syntax Error:"', async () => {
      const aliases = Array.from({ length: 31 }, (_, i) => `a${i}: health { status }`).join(' ');
      const { body } = await post({ query: `{ ${aliases} }` });
      expect(body.errors?.[0]?.extensions.code).toBe('BAD_INPUT');
      expect(body.errors?.[0]?.message).toBe('query limit: Aliases limit of 30 exceeded, found 31.');
    });

    it('deadLetters(first: -5) is BAD_INPUT', async () => {
      for (const first of [-5, 0, 501]) {
        const { errors } = await platform.graphql(`{ deadLetters(first: ${first}) { id } }`);
        expect(errors?.[0]).toMatchObject({ message: '`first` must be an integer from 1 to 500', extensions: { code: 'BAD_INPUT' } });
      }
      expect((await platform.graphql('{ deadLetters(first: 1) { id } }')).errors).toBeUndefined();
    });

    it('evidence(jobId: "nope") and claims(jobId: "nope") are BAD_INPUT; a job that does not exist is NOT_FOUND, one of another kind BAD_INPUT', async () => {
      for (const field of ['evidence', 'claims']) {
        const { errors } = await platform.graphql(`{ ${field}(jobId: "nope") { __typename } }`);
        expect(errors?.[0]).toMatchObject({ message: '"nope" is not a job id (expected <type>-<uuid>)', extensions: { code: 'BAD_INPUT' } });
      }
      const missing = `research-${randomUUID()}`;
      const absent = await platform.graphql(`{ evidence(jobId: "${missing}") { __typename } }`);
      expect(absent.errors?.[0]).toMatchObject({ extensions: { code: 'NOT_FOUND' } });
      const { jobId: other } = await finishedJob();
      const { errors } = await platform.graphql(`{ evidence(jobId: "${other}") { __typename } }`);
      expect(errors?.[0]).toMatchObject({ message: `job ${other} is not a research job`, extensions: { code: 'BAD_INPUT' } });
    });
  });

  it('credentials inside a research source URL are never stored: the readable input shows [redacted]', async () => {
    const { data, errors } = await platform.graphql<{ enqueueResearch: { jobId: string; job: { input: { sources: string[] } } } }>(
      'mutation($input: ResearchInput!) { enqueueResearch(input: $input) { jobId job { input } } }',
      { input: { question: 'harbour tides', sources: ['https://alice:s3c@ret@docs.example.com/tides?x=1', 'npm:left-pad'] } },
    );
    expect(errors).toBeUndefined();
    const expected = ['https://[redacted]@docs.example.com/tides?x=1', 'npm:left-pad'];
    expect(data!.enqueueResearch.job.input.sources).toEqual(expected);
    const queued = await platform.runtime.queues.research.getJob(data!.enqueueResearch.jobId);
    expect(JSON.stringify(queued?.data)).not.toMatch(/alice|s3c|ret@/);
    expect((queued?.data.input as { sources: string[] }).sources).toEqual(expected);
    await queued?.remove();
  });
});
