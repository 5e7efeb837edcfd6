import http from 'node:http';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { BusEvent } from '../../src/events/event-types.js';
import { startPlatform, waitUntil, type Platform } from './support/platform.js';

const SUBSCRIBE = `subscription($jobId: ID!, $after: String) { jobEvents(jobId: $jobId, after: $after) { id seq jobId type data } }`;

type Reader = (jobId: string, after: string | undefined, stopAfter: number) => Promise<BusEvent[]>;

interface IteratingClient {
  iterate<T>(request: { query: string; variables: Record<string, unknown> }): AsyncIterableIterator<{ data?: T | null; errors?: unknown }>;
  dispose(): void | Promise<void>;
}

/** Reads up to `stopAfter` events (Infinity: to the end of the stream) with a fresh client, then drops it. */
function graphqlReader(makeClient: () => IteratingClient): Reader {
  return async (jobId, after, stopAfter) => {
    const client = makeClient();
    const seen: BusEvent[] = [];
    try {
      for await (const result of client.iterate<{ jobEvents: BusEvent }>({ query: SUBSCRIBE, variables: { jobId, after } })) {
        if (result.errors) throw new Error(JSON.stringify(result.errors));
        seen.push(result.data!.jobEvents);
        if (seen.length >= stopAfter) break;
      }
    } finally {
      await client.dispose();
    }
    return seen;
  };
}

const graphqlWsReader = (platform: Platform) =>
  graphqlReader(() =>
    createWsClient({
      url: platform.url.replace('http', 'ws') + '/graphql',
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: platform.authorization },
    }),
  );
const graphqlSseReader = (platform: Platform) =>
  graphqlReader(() => createSseClient({ url: `${platform.url}/graphql/stream`, retryAttempts: 0, headers: { authorization: platform.authorization } }));

function restSseReader(platform: Platform): Reader {
  return async (jobId, after, stopAfter) => {
    const abort = new AbortController();
    const response = await fetch(`${platform.url}/v1/jobs/${jobId}/events`, {
      headers: { authorization: platform.authorization, ...(after ? { 'last-event-id': after } : {}) },
      signal: abort.signal,
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const seen: BusEvent[] = [];
    let buffer = '';
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = /^data: (.*)$/m.exec(block)?.[1];
          const id = /^id: (.*)$/m.exec(block)?.[1];
          if (!id || !data) continue;
          const event = JSON.parse(data) as BusEvent;
          expect(event.id).toBe(id);
          seen.push(event);
          if (seen.length >= stopAfter) return seen;
        }
      }
    } finally {
      abort.abort();
    }
    return seen;
  };
}

describe('job event streams', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform();
    await platform.spawnWorker('events-worker');
  });
  afterAll(() => platform?.close());

  async function enqueueSlowJob(steps: number) {
    const { data } = await platform.graphql<{ enqueueExecute: { jobId: string } }>(
      'mutation($p: JSON) { enqueueExecute(input: {action: "script", params: $p}) { jobId } }',
      { p: { steps, stepMs: 120 } },
    );
    return data!.enqueueExecute.jobId;
  }

  describe.each([
    ['graphql-ws (WebSocket)', graphqlWsReader],
    ['graphql-sse', graphqlSseReader],
    ['REST SSE with Last-Event-ID', restSseReader],
  ])('over %s', (_transport, makeReader) => {
    it('gives a subscriber that drops mid-stream and resumes with its last id every event exactly once, in order', async () => {
      const read = makeReader(platform);
      const jobId = await enqueueSlowJob(12);
      const before = await read(jobId, undefined, 4);
      expect(before).toHaveLength(4);
      // Events go on while this subscriber is away; it must get them on resume, none twice.
      await new Promise((r) => setTimeout(r, 400));
      const after = await read(jobId, before.at(-1)!.id, Infinity);
      const all = [...before, ...after];
      expect(all.map((e) => e.seq)).toEqual(Array.from({ length: all.length }, (_, i) => i + 1));
      expect(all.at(-1)!.type).toBe('execute.done');
      expect(all.filter((e) => e.type === 'execute.progress')).toHaveLength(12);
      expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
      expect(all.every((e) => e.jobId === jobId)).toBe(true);
    });
  });

  it('reads a job stream only as fast as a slow REST SSE client takes it, and then delivers every event in order', async () => {
    const jobId = await enqueueSlowJob(40);
    const BULK = 1200;
    const filler = 'x'.repeat(16 * 1024);
    for (let i = 0; i < BULK; i += 100) {
      await Promise.all(
        Array.from({ length: 100 }, (_, k) => platform.runtime.events.publish({ kind: 'job', jobId }, { type: 'test.bulk', data: { n: i + k, filler } })),
      );
    }
    // Count what the server pulls from the stream on the client's behalf.
    const events = platform.runtime.events;
    const subscribe = events.subscribe;
    let pulled = 0;
    events.subscribe = (stream, options) => {
      const inner = subscribe(stream, options);
      const counted: AsyncIterableIterator<BusEvent> = {
        next: async () => {
          const step = await inner.next();
          if (!step.done && step.value.type === 'test.bulk') pulled++;
          return step;
        },
        return: (value?: unknown) => inner.return!(value),
        throw: (error?: unknown) => inner.throw!(error),
        [Symbol.asyncIterator]: () => counted,
      };
      return counted;
    };
    try {
      const response = await new Promise<http.IncomingMessage>((resolve, reject) =>
        http.get(`${platform.url}/v1/jobs/${jobId}/events`, { headers: { authorization: platform.authorization } }, resolve).on('error', reject),
      );
      response.pause();
      await new Promise((r) => setTimeout(r, 1500));
      // 19 MB of events; socket buffers take a few MB of them (how many depends on the kernel's settings): then
      // reading stops and the rest stays in Redis, not in this process.
      const held = pulled;
      await new Promise((r) => setTimeout(r, 500));
      expect(held).toBeGreaterThan(0);
      expect(pulled).toBe(held);
      expect(pulled).toBeLessThan(BULK);

      const seen: number[] = [];
      let pending = '';
      await new Promise<void>((resolve, reject) => {
        response.on('data', (chunk: Buffer) => {
          pending += chunk.toString('utf8');
          const frames = pending.split('\n\n');
          pending = frames.pop()!;
          for (const frame of frames) {
            const data = /^data: (.*)$/m.exec(frame)?.[1];
            if (frame.includes('event: test.bulk') && data) seen.push((JSON.parse(data) as BusEvent).data.n as number);
          }
          if (seen.length === BULK) {
            response.destroy();
            resolve();
          }
        });
        response.on('error', reject);
        response.resume();
      });
      expect(seen).toEqual(Array.from({ length: BULK }, (_, i) => i));
    } finally {
      events.subscribe = subscribe;
    }
  }, 60_000);

  it('streams worker presence and job lifecycle events on agentPresence and systemEvents', async () => {
    const client = createWsClient({
      url: platform.url.replace('http', 'ws') + '/graphql',
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: platform.authorization },
    });
    const after = (await platform.runtime.events.read({ kind: 'system' }, undefined, 100_000)).at(-1)?.id;
    const presence = client.iterate<{ agentPresence: BusEvent }>({ query: 'subscription { agentPresence { type data } }' });
    const system = client.iterate<{ systemEvents: BusEvent }>({
      query: 'subscription($after: String) { systemEvents(after: $after) { type jobId } }',
      variables: { after },
    });
    try {
      const worker = await platform.spawnWorker('presence-worker');
      for (;;) {
        const { value } = await presence.next();
        const event = value!.data!.agentPresence;
        if (event.type === 'agent.up' && event.data.id === 'presence-worker') break;
      }
      // Another tenant's job event on the system stream is not this caller's to see.
      const foreign = await platform.runtime.events.publish(
        { kind: 'system' },
        { type: 'job.enqueued', jobId: 'execute-00000000-0000-4000-8000-00000000f0e1', data: { type: 'execute', tenant: 'someone-else' } },
      );
      const jobId = await enqueueSlowJob(1);
      const seen: string[] = [];
      for (;;) {
        const { value } = await system.next();
        const event = value!.data!.systemEvents;
        expect(event.jobId).not.toBe(foreign.jobId);
        if (event.jobId === jobId) seen.push(event.type);
        if (event.jobId === jobId && event.type === 'job.completed') break;
      }
      expect(seen).toEqual(['job.enqueued', 'job.completed']);
      await worker.stop();
      for (;;) {
        const { value } = await presence.next();
        const event = value!.data!.agentPresence;
        if (event.type === 'agent.down' && event.data.id === 'presence-worker') break;
      }
    } finally {
      await client.dispose();
    }
  });

  it('refuses a subscription to a job that does not exist with NOT_FOUND', async () => {
    const client = createWsClient({
      url: platform.url.replace('http', 'ws') + '/graphql',
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: platform.authorization },
    });
    const iterator = client.iterate({ query: SUBSCRIBE, variables: { jobId: 'execute-00000000-0000-4000-8000-000000000000' } });
    const first = await iterator.next();
    await client.dispose();
    expect((first.value as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe('NOT_FOUND');
  });

  it('refuses a malformed cursor, and one that has expired from the stream, with BAD_INPUT', async () => {
    const jobId = await enqueueSlowJob(2);
    const events = await restSseReader(platform)(jobId, undefined, Infinity);
    const malformed = await fetch(`${platform.url}/v1/jobs/${jobId}/events?after=yesterday`, { headers: { authorization: platform.authorization } });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ code: 'BAD_INPUT' });
    // Retention trimmed the start of the stream: a cursor from before the trim can no longer resume exactly.
    await platform.runtime.redis.xtrim(`${platform.runtime.keyPrefix}:ev:job:${jobId}`, 'MAXLEN', 1);
    const expired = await fetch(`${platform.url}/v1/jobs/${jobId}/events`, {
      headers: { authorization: platform.authorization, 'last-event-id': events[0]!.id },
    });
    expect(expired.status).toBe(400);
    expect(((await expired.json()) as { error: string }).error).toMatch(/expired/);
  });

  it('writes every event to Postgres bus_events and reports per job type', async () => {
    const jobId = await enqueueSlowJob(1);
    await restSseReader(platform)(jobId, undefined, Infinity);
    await platform.runtime.eventSink.flush();
    // The worker process writes its own events in batches: wait for its next flush.
    const rows = await waitUntil(async () => {
      const { rows: found } = await platform.runtime.sql.query<{ type: string }>('SELECT type FROM bus_events WHERE stream = $1 ORDER BY seq', [
        `job:${jobId}`,
      ]);
      return found.length >= 4 && found;
    }, 5000);
    expect(rows.map((r) => r.type)).toEqual(['meta', 'meta', 'execute.progress', 'execute.done']);
    const report = await platform.runtime.sql.query<{ job_type: string; succeeded: string; p95_ms: number | null }>(
      "SELECT * FROM bus_event_report(now() - interval '1 hour', now() + interval '1 minute') WHERE job_type = 'execute'",
    );
    expect(Number(report.rows[0]?.succeeded)).toBeGreaterThanOrEqual(1);
    expect(report.rows[0]?.p95_ms).toBeGreaterThan(0);
    expect(Object.keys(report.rows[0] ?? {})).toEqual(expect.arrayContaining(['duplicate_executions', 'stalls', 'recover_p50_ms', 'recover_p95_ms']));
  });
});
