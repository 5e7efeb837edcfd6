import { JOB_AREAS } from '../../src/queue/job-types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, waitUntil, type Platform } from './support/platform.js';

describe('the REST compatibility layer', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform({ COGO_MAX_PAYLOAD_BYTES: '100000' });
    await platform.spawnWorker('rest-w');
  });
  afterAll(() => platform?.close());

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${platform.url}${path}`, { method: 'POST', headers: platform.headers(headers), body: typeof body === 'string' ? body : JSON.stringify(body) });

  it('POST /v1/execute/enqueue answers 202 with a jobId, and GET /v1/jobs/{id} reads it', async () => {
    const response = await post('/v1/execute/enqueue', { action: 'script', params: { steps: 1 } });
    expect(response.status).toBe(202);
    const body = (await response.json()) as { ok: boolean; jobId: string };
    expect(body).toMatchObject({ ok: true, jobId: expect.stringMatching(/^execute-/) });
    const job = await waitUntil(async () => {
      const read = (await (await fetch(`${platform.url}/v1/jobs/${body.jobId}`, { headers: platform.headers() })).json()) as {
        ok: boolean;
        job: { status: string };
      };
      return read.job.status === 'completed' && read;
    });
    expect(job.ok).toBe(true);
  });

  it('honours the Idempotency-Key header', async () => {
    const first = (await (await post('/v1/research/enqueue', { question: 'what is pgvector?' }, { 'idempotency-key': 'rest-key-1' })).json()) as {
      jobId: string;
      created: boolean;
    };
    const second = (await (await post('/v1/research/enqueue', { question: 'what is pgvector?' }, { 'idempotency-key': 'rest-key-1' })).json()) as {
      jobId: string;
      created: boolean;
    };
    expect(second).toMatchObject({ jobId: first.jobId, created: false });
    const conflict = await post('/v1/research/enqueue', { question: 'something else' }, { 'idempotency-key': 'rest-key-1' });
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toMatchObject({ ok: false, code: 'IDEMPOTENCY_CONFLICT', via: 'jobs' });
  });

  describe('bad input gets a clear error and enqueues nothing', () => {
    async function total() {
      const counts = await Promise.all(
        Object.values(platform.runtime.queues).map((q) => q.getJobCountByTypes('waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized')),
      );
      return counts.reduce((a, b) => a + b, 0);
    }
    it.each([
      ['an unknown type', '/v1/teleport/enqueue', { x: 1 }, 400, 'BAD_INPUT'],
      ['an invalid payload', '/v1/indexing/enqueue', { root: 42 }, 400, 'BAD_INPUT'],
      ['a body that is not JSON', '/v1/execute/enqueue', '{not json', 400, 'BAD_INPUT'],
      ['a body that is an array', '/v1/execute/enqueue', [1, 2], 400, 'BAD_INPUT'],
      ['an oversized body', '/v1/execute/enqueue', { action: 'x', params: { blob: 'y'.repeat(200_000) } }, 413, 'PAYLOAD_TOO_LARGE'],
    ])('%s', async (_name, path, body, status, code) => {
      const before = await total();
      const response = await post(path, body);
      expect(response.status).toBe(status);
      const json = (await response.json()) as Record<string, unknown>;
      expect(json).toMatchObject({ ok: false, code });
      expect(typeof json.error).toBe('string');
      expect(json).not.toHaveProperty('stack');
      expect(await total()).toBe(before);
    });

    it('a malformed job id → 400 BAD_INPUT; an unknown job → 404 NOT_FOUND', async () => {
      const malformed = await fetch(`${platform.url}/v1/jobs/..%2F..%2Fetc`, { headers: platform.headers() });
      expect(malformed.status).toBe(400);
      const missing = await fetch(`${platform.url}/v1/jobs/build-00000000-0000-4000-8000-000000000000`, { headers: platform.headers() });
      expect(missing.status).toBe(404);
      expect(await missing.json()).toMatchObject({ ok: false, code: 'NOT_FOUND' });
      const events = await fetch(`${platform.url}/v1/jobs/build-00000000-0000-4000-8000-000000000000/events`, { headers: platform.headers() });
      expect(events.status).toBe(404);
    });
  });

  it('publishes an OpenAPI 3.1 document that describes exactly the routes the server has', async () => {
    const doc = (await (await fetch(`${platform.url}/openapi.json`)).json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths)
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    const served = platform.runtime.config && (await routesOf(platform.url));
    expect(documented).toEqual(served);
    const enqueue = doc.paths['/v1/indexing/enqueue']!.post as {
      requestBody: { content: { 'application/json': { schema: { anyOf: Array<{ required: string[] }> } } } };
    };
    // Two forms (issue 13): a folder to index, or a Figma file to import.
    expect(enqueue.requestBody.content['application/json'].schema.anyOf.map((form) => form.required)).toEqual([['root'], ['figma']]);
  });

  /** The REST routes the server really answers, found by asking it, not by reading the document. */
  async function routesOf(url: string): Promise<string[]> {
    const found: string[] = [];
    // Every queue is a candidate: a type the server enqueues but the document omits (or the reverse) shows up.
    for (const type of JOB_AREAS) {
      const response = await fetch(`${url}/v1/${type}/enqueue`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      if (response.status !== 404) found.push(`POST /v1/${type}/enqueue`);
    }
    const id = 'build-00000000-0000-4000-8000-000000000000';
    for (const [path, template] of [
      [`/v1/jobs/${id}`, '/v1/jobs/{id}'],
      [`/v1/jobs/${id}/events`, '/v1/jobs/{id}/events'],
      [`/v1/artifacts/${id}`, '/v1/artifacts/{id}'],
    ] as const) {
      const body = (await (await fetch(`${url}${path}`)).json()) as { error: string };
      if (!body.error.startsWith('no route')) found.push(`GET ${template}`);
    }
    return found.sort();
  }
});
