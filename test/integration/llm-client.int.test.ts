import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DEFAULT_PRICES, type Tier } from '../../src/config/llm.js';
import { isAppError } from '../../src/errors.js';
import { createLlmClient, type LlmClient } from '../../src/llm/client.js';
import { startOpenAiServer, type OpenAiServer } from '../support/openai-server.js';

let server: OpenAiServer;

function clientFor(options: { timeoutMs?: number; maxRetries?: number } = {}): LlmClient {
  const endpoint = (model: string) => ({ baseUrl: server.url, apiKey: 'test-key', model });
  return createLlmClient({
    tiers: { nano: endpoint('nano-model'), mini: endpoint('mini-model'), full: endpoint('full-model') } as Record<Tier, ReturnType<typeof endpoint>>,
    prices: DEFAULT_PRICES,
    timeoutMs: options.timeoutMs ?? 5_000,
    maxRetries: options.maxRetries ?? 2,
    baseDelayMs: 10,
  });
}

const ask = [{ role: 'user' as const, content: 'What port does COGO listen on?' }];

beforeEach(async () => {
  server = await startOpenAiServer();
});
afterEach(async () => {
  await server.close();
});

describe('llm client', () => {
  describe('when the reply streams', () => {
    it('hands every delta to the caller in order and reports the server usage and its cost', async () => {
      server.script('mini-model', { content: 'COGO listens on port 4000 by default.', chunkSize: 5, usage: { prompt: 1000, completion: 200 } });
      const deltas: string[] = [];
      const result = await clientFor().chat('mini', { messages: ask, onDelta: (d) => deltas.push(d) });
      expect(deltas.length).toBeGreaterThan(3);
      expect(deltas.join('')).toBe('COGO listens on port 4000 by default.');
      expect(result.text).toBe(deltas.join(''));
      expect(result.usage).toEqual({ inputTokens: 1000, outputTokens: 200, estimated: false });
      // 1000 × 0.25 + 200 × 2 per million
      expect(result.costUsd).toBeCloseTo(0.00065, 10);
      expect(server.requests[0]).toMatchObject({ model: 'mini-model', stream: true, authorization: 'Bearer test-key' });
    });

    it('estimates the tokens and says so when the server sends no usage', async () => {
      server.script('nano-model', { content: 'yes', usage: null });
      const result = await clientFor().chat('nano', { messages: ask, onDelta: () => undefined });
      expect(result.usage.estimated).toBe(true);
      expect(result.usage.outputTokens).toBe(1);
      expect(result.costUsd).toBeGreaterThan(0);
    });
  });

  describe('when structured output is asked for', () => {
    const schema = z.object({ label: z.enum(['question', 'command']), confidence: z.number() });

    it('sends a strict json_schema response format and returns the parsed object', async () => {
      server.script('nano-model', { content: '{"label":"question","confidence":0.9}' });
      const result = await clientFor().chat('nano', { messages: ask, structured: { name: 'intent', schema } });
      expect(result.json).toEqual({ label: 'question', confidence: 0.9 });
      expect(server.requests[0]?.responseFormat).toMatchObject({ type: 'json_schema', json_schema: { name: 'intent', strict: true } });
    });

    it('fails with a schema failure, without retrying the same tier, on malformed JSON', async () => {
      server.script('nano-model', { content: '{"label":"question",' });
      const error = await clientFor()
        .chat('nano', { messages: ask, structured: { name: 'intent', schema } })
        .catch((e: unknown) => e);
      expect(isAppError(error) && error.details?.failure).toBe('schema');
      expect(server.calls('nano-model')).toBe(1);
    });

    it('fails with a schema failure on JSON of the wrong shape', async () => {
      server.script('nano-model', { content: '{"label":"poem","confidence":"high"}' });
      const error = await clientFor()
        .chat('nano', { messages: ask, structured: { name: 'intent', schema } })
        .catch((e: unknown) => e);
      expect(isAppError(error) && error.details?.failure).toBe('schema');
      expect(isAppError(error) && error.message).toMatch(/label/);
    });
  });

  describe('when the server is busy or failing', () => {
    it('waits for Retry-After on 429 and then succeeds, counting the retry', async () => {
      server.script('full-model', { status: 429, retryAfter: '1' }, { content: 'ok' });
      const started = Date.now();
      const result = await clientFor().chat('full', { messages: ask });
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      expect(result.text).toBe('ok');
      expect(result.retries).toBe(1);
      expect(server.calls('full-model')).toBe(2);
    });

    it('retries 5xx with backoff and gives up after maxRetries with UPSTREAM_UNAVAILABLE', async () => {
      server.script('mini-model', { status: 503 }, { status: 500 }, { status: 502 }, { content: 'never reached' });
      const error = await clientFor({ maxRetries: 2 })
        .chat('mini', { messages: ask })
        .catch((e: unknown) => e);
      expect(isAppError(error) && error.code).toBe('UPSTREAM_UNAVAILABLE');
      expect(server.calls('mini-model')).toBe(3);
    });

    it('does not retry a 400: the request itself is wrong', async () => {
      server.script('mini-model', { status: 400 }, { content: 'never reached' });
      const error = await clientFor()
        .chat('mini', { messages: ask })
        .catch((e: unknown) => e);
      expect(isAppError(error) && error.code).toBe('BAD_INPUT');
      expect(server.calls('mini-model')).toBe(1);
    });
  });

  describe('when the server is slow', () => {
    it('ends a call whose headers never come with TIMEOUT, after its retries', async () => {
      server.script('nano-model', { hang: true }, { hang: true });
      const error = await clientFor({ timeoutMs: 300, maxRetries: 1 })
        .chat('nano', { messages: ask })
        .catch((e: unknown) => e);
      expect(isAppError(error) && error.code).toBe('TIMEOUT');
      expect(server.calls('nano-model')).toBe(2);
    });

    it('ends a stream that stalls mid-way with TIMEOUT and does not repeat the deltas already sent', async () => {
      server.script('nano-model', { content: 'a long answer that stalls', stallAfterChunks: 2, chunkSize: 4 }, { content: 'second try' });
      const deltas: string[] = [];
      const error = await clientFor({ timeoutMs: 400 })
        .chat('nano', { messages: ask, onDelta: (d) => deltas.push(d) })
        .catch((e: unknown) => e);
      expect(isAppError(error) && error.code).toBe('TIMEOUT');
      expect(isAppError(error) && error.retryable).toBe(false);
      expect(deltas.join('')).toBe('a long a');
      expect(server.calls('nano-model')).toBe(1);
    });
  });

  it('refuses a tier without a key instead of pretending', async () => {
    const client = createLlmClient({
      tiers: {
        nano: { baseUrl: server.url, apiKey: undefined, model: 'm' },
        mini: { baseUrl: server.url, apiKey: undefined, model: 'm' },
        full: { baseUrl: server.url, apiKey: undefined, model: 'm' },
      },
      prices: DEFAULT_PRICES,
      timeoutMs: 1000,
      maxRetries: 0,
    });
    expect(client.available('nano')).toBe(false);
    await expect(client.chat('nano', { messages: ask })).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
  });
});
