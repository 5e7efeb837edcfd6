import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import {
  createEmbedder,
  createLocalHashEmbedder,
  createOpenAICompatibleEmbedder,
  localHashVector,
  type OpenAICompatibleEmbedderOptions,
} from '../../ingest/embedders/index.js';
import { parseRetryAfter } from '../../src/net/http-errors.js';
import { startEmbeddingsServer, type EmbeddingsServer, type EmbeddingsServerOptions } from '../support/embeddings-server.js';

const cosine = (a: number[], b: number[]): number => a.reduce((sum, value, i) => sum + value * b[i]!, 0);
const norm = (a: number[]): number => Math.sqrt(cosine(a, a));

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('local hash embedder', () => {
  const embedder = createLocalHashEmbedder();

  it('is deterministic, 1024-dimensional and L2-normalized', async () => {
    const texts = ['Neo4j stores the knowledge graph.', '', 'x'];
    const [first, second] = await Promise.all([embedder.embed(texts), createLocalHashEmbedder().embed(texts)]);
    expect(embedder.id).toBe('local-hash-v1:1024');
    expect(first).toEqual(second);
    for (const vector of first) {
      expect(vector).toHaveLength(1024);
      expect(norm(vector)).toBeCloseTo(1, 9);
    }
    expect(new Set(first.map((v) => v.join(','))).size).toBe(3);
  });

  it('puts similar texts closer than unrelated ones', async () => {
    const [query, similar, unrelated] = await embedder.embed([
      'retry the embedding request with exponential backoff',
      'embedding requests are retried with exponential backoff and jitter',
      'the chocolate cake recipe needs three eggs and butter',
    ]);
    expect(cosine(query!, similar!)).toBeGreaterThan(cosine(query!, unrelated!) + 0.2);
  });

  it('matches identifiers to the words they are made of', async () => {
    const [identifier, words, other] = await embedder.embed(['parseRetryAfter(header)', 'parse the retry after header', 'render the dashboard page']);
    expect(cosine(identifier!, words!)).toBeGreaterThan(cosine(identifier!, other!) + 0.2);
    const [joined, camel, spaced] = await embedder.embed(['getuser', 'getUser', 'get user']);
    expect(cosine(joined!, camel!)).toBeGreaterThan(cosine(joined!, spaced!));
  });

  it('honors another dimension count and an abort', async () => {
    expect((await createLocalHashEmbedder({ dimensions: 64 }).embed(['a b c']))[0]).toHaveLength(64);
    const controller = new AbortController();
    controller.abort();
    await expect(embedder.embed(['a'], { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('OpenAI-compatible embedder', () => {
  let server: EmbeddingsServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function setup(serverOptions: EmbeddingsServerOptions = {}, options: Partial<OpenAICompatibleEmbedderOptions> = {}) {
    server = await startEmbeddingsServer(serverOptions);
    const embedder = createOpenAICompatibleEmbedder({ baseUrl: server.url, retryBaseMs: 5, ...options });
    return { server, embedder };
  }

  const texts = Array.from({ length: 150 }, (_, i) => `chunk number ${i} about topic ${i % 7}`);

  it('sends batches and returns the vectors in input order, whatever order the server lists them in', async () => {
    const { server, embedder } = await setup({ reverseOrder: true, latencyMs: 20 }, { batchSize: 64, concurrency: 2 });
    const vectors = await embedder.embed(texts);
    expect(server.calls()).toBe(3);
    expect(server.requests.map((r) => r.input.length).sort()).toEqual([22, 64, 64]);
    expect(server.requests.every((r) => r.model === 'bge-m3')).toBe(true);
    expect(vectors).toHaveLength(150);
    vectors.forEach((vector, i) => expect(vector).toEqual(localHashVector(texts[i]!, 1024)));
    expect(embedder.stats()).toEqual({ calls: 3, retries: 0, texts: 150, failures: 0 });
    expect(embedder.id).toBe('openai:bge-m3:1024');
  });

  it('waits as long as Retry-After says after a 429, then succeeds', async () => {
    const { server, embedder } = await setup({ rateLimitFirst: 1 });
    const started = Date.now();
    const [vector] = await embedder.embed(['hello']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(vector).toEqual(localHashVector('hello', 1024));
    expect(server.calls()).toBe(2);
    expect(embedder.stats()).toMatchObject({ calls: 2, retries: 1 });
  });

  it('retries 500s and succeeds when the server recovers', async () => {
    const { server, embedder } = await setup({ failFirst: 2 }, { maxRetries: 5 });
    await expect(embedder.embed(['a', 'b'])).resolves.toHaveLength(2);
    expect(server.calls()).toBe(3);
  });

  it('gives up after maxRetries with a retryable UPSTREAM_UNAVAILABLE', async () => {
    const { server, embedder } = await setup({ failFirst: 100 }, { maxRetries: 3 });
    const error = await failure(embedder.embed(['a']));
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', retryable: true, via: 'embeddings' });
    expect((error as AppError).message).toContain('after 4 tries');
    expect((error as AppError).message).toContain('HTTP 500');
    expect(server.calls()).toBe(4);
    expect(embedder.stats()).toMatchObject({ calls: 4, retries: 3, failures: 1, texts: 0 });
  });

  it('refuses vectors of the wrong length with a clear, non-retryable error', async () => {
    const { server, embedder } = await setup({ dimensions: 512 });
    const error = await failure(embedder.embed(['a']));
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', retryable: false });
    expect((error as AppError).message).toContain('embedding endpoint returned 512 dimensions, the index needs 1024');
    expect(server.calls()).toBe(1);
  });

  it('sends the API key and does not retry a 401, which the shared HTTP mapping calls FORBIDDEN', async () => {
    const good = await setup({ apiKey: 'sk-test' }, { apiKey: 'sk-test' });
    await expect(good.embedder.embed(['a'])).resolves.toHaveLength(1);
    await server?.close();
    const bad = await setup({ apiKey: 'sk-test' }, { apiKey: 'wrong' });
    const error = await failure(bad.embedder.embed(['a']));
    expect(error).toMatchObject({ code: 'FORBIDDEN', retryable: false, via: 'embeddings' });
    expect((error as AppError).message).toContain('HTTP 401');
    expect(bad.server.calls()).toBe(1);
  });

  it('treats an unreachable endpoint as unavailable after retries', async () => {
    const { server, embedder } = await setup({}, { maxRetries: 1 });
    await server.close();
    const error = await failure(embedder.embed(['a']));
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', retryable: true });
    expect(embedder.stats()).toMatchObject({ calls: 2, retries: 1 });
  });

  it('times out a slow request with TIMEOUT', { timeout: 30_000 }, async () => {
    const { embedder } = await setup({ latencyMs: 60_000 }, { timeoutMs: 100, maxRetries: 0 });
    const started = Date.now();
    const error = await failure(embedder.embed(['a']));
    expect(error).toMatchObject({ code: 'TIMEOUT', retryable: true });
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  // The server would answer after a minute, then ask for a 5 s wait: only the abort ends these calls quickly, and
  // the bound below is loose enough for a loaded CI machine and still tells an abort from a wait.
  it('stops in-flight requests and backoff waits on abort', { timeout: 30_000 }, async () => {
    const slow = await setup({ latencyMs: 60_000 });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    await expect(slow.embedder.embed(texts, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(20_000);
    await server?.close();

    const limited = await setup({ rateLimitFirst: 1, retryAfterSeconds: 5 });
    const during = new AbortController();
    const call = limited.embedder.embed(['a'], { signal: during.signal });
    // Abort once the 429 has come back, i.e. while the embedder waits out its Retry-After.
    while (limited.server.calls() < 1) await new Promise((resolve) => setTimeout(resolve, 10));
    during.abort(new Error('cancelled by the user'));
    await expect(call).rejects.toThrow('cancelled by the user');
    expect(limited.server.calls()).toBe(1);

    const before = new AbortController();
    before.abort();
    await expect(limited.embedder.embed(['a'], { signal: before.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(limited.server.calls()).toBe(1);
  });
});

describe('parseRetryAfter (the one the embedder and the sources share)', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

describe('createEmbedder', () => {
  it('uses the endpoint when a base URL is configured and the local embedder otherwise', () => {
    expect(createEmbedder({ model: 'bge-m3' }).id).toBe('local-hash-v1:1024');
    expect(createEmbedder({ baseUrl: 'http://127.0.0.1:9/v1', model: 'bge-m3' }).id).toBe('openai:bge-m3:1024');
  });
});
