import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_PRICES, DEFAULT_ROUTER, type Tier } from '../../src/config/llm.js';
import { createAnswerer } from '../../src/llm/answer.js';
import type { Passage } from '../../src/llm/answer-types.js';
import { createLlmClient } from '../../src/llm/client.js';
import { costOf } from '../../src/llm/cost.js';
import { createRouter } from '../../src/llm/router.js';
import { startOpenAiServer, type OpenAiServer } from '../support/openai-server.js';

const passages: Passage[] = [
  { id: 'c1', ref: 'README.md:10-12', text: 'COGO listens on port 4000 by default. Set COGO_PORT to change it.' },
  { id: 'c2', ref: 'docs/indexing.md:3-5', text: 'Indexing reads changed files only. Vectors are stored in pgvector.' },
  { id: 'k1', ref: 'docs/ko/README.md:1', text: 'COGO의 기본 포트는 4000입니다. COGO_PORT로 바꿀 수 있습니다.' },
];
const question = 'What port does COGO listen on?';
const json = (...sentences: [string, string[]][]) => JSON.stringify({ sentences: sentences.map(([text, citations]) => ({ text, citations })) });
const GOOD = json(['COGO listens on port 4000 by default.', ['c1']]);
const UNGROUNDED = json(['COGO listens on port 8080 by default.', ['c1']]);

let server: OpenAiServer;
// Replies that come arrive well within 5 s even on a loaded CI machine; only the timeout case waits for the
// hanging server, so it alone gets a short timeout.
const answererFor = (options: { maxEscalations?: number; keys?: boolean; timeoutMs?: number } = {}) => {
  const endpoint = (model: string) => ({ baseUrl: server.url, apiKey: options.keys === false ? undefined : 'k', model });
  const client = createLlmClient({
    tiers: { nano: endpoint('nano-model'), mini: endpoint('mini-model'), full: endpoint('full-model') } as Record<Tier, ReturnType<typeof endpoint>>,
    prices: DEFAULT_PRICES,
    timeoutMs: options.timeoutMs ?? 5_000,
    maxRetries: 1,
    baseDelayMs: 5,
  });
  return createAnswerer({ client, router: createRouter(DEFAULT_ROUTER, DEFAULT_PRICES), maxEscalations: options.maxEscalations ?? 2, escalationBackoffMs: 5 });
};

beforeEach(async () => {
  server = await startOpenAiServer();
});
afterEach(async () => {
  await server.close();
});

describe('answering with escalation', () => {
  it('starts on the routed tier and stops there when the answer is grounded', async () => {
    server.script('nano-model', { content: GOOD });
    const result = await answererFor().ask({ question, passages });
    expect(result.route.tier).toBe('nano');
    expect(result.answer).toMatchObject({ provider: 'model', text: 'COGO listens on port 4000 by default. [c1]' });
    expect(result.attempts).toMatchObject([{ tier: 'nano', ok: true, failure: undefined }]);
    expect(server.calls('mini-model')).toBe(0);
  });

  describe('escalates one tier up and records why', () => {
    it('on malformed JSON (schema failure), paying for the broken reply too', async () => {
      server.script('nano-model', { content: '{"sentences": [{"text": "COGO', usage: { prompt: 500, completion: 10 } });
      server.script('mini-model', { content: GOOD, usage: { prompt: 500, completion: 40 } });
      const result = await answererFor().ask({ question, passages });
      expect(result.attempts.map((a) => [a.tier, a.failure, a.escalatedFrom])).toEqual([
        ['nano', 'schema', undefined],
        ['mini', undefined, 'nano'],
      ]);
      const expected =
        costOf(DEFAULT_PRICES, 'nano', { inputTokens: 500, outputTokens: 10 }) + costOf(DEFAULT_PRICES, 'mini', { inputTokens: 500, outputTokens: 40 });
      expect(result.costUsd).toBeCloseTo(expected, 12);
      expect(result.attempts[0]?.costUsd).toBeGreaterThan(0);
      expect(result.tiersUsed).toEqual(['nano', 'mini']);
    });

    it('on an answer with an unsupported citation', async () => {
      server.script('nano-model', { content: UNGROUNDED });
      server.script('mini-model', { content: GOOD });
      const result = await answererFor().ask({ question, passages });
      expect(result.attempts[0]).toMatchObject({ tier: 'nano', ok: false, failure: 'ungrounded' });
      expect(result.attempts[0]?.detail).toMatch(/number 8080/);
      expect(result.attempts[1]).toMatchObject({ tier: 'mini', ok: true });
      expect(result.grounding.grounded).toBe(true);
    });

    it('on an error that outlasts the same-tier retries', async () => {
      server.script('nano-model', { status: 503 }, { status: 503 });
      server.script('mini-model', { content: GOOD });
      const result = await answererFor().ask({ question, passages });
      expect(result.attempts.map((a) => [a.tier, a.failure])).toEqual([
        ['nano', 'error'],
        ['mini', undefined],
      ]);
      expect(server.calls('nano-model')).toBe(2);
    });

    it('on a timeout', async () => {
      server.script('nano-model', { hang: true }, { hang: true });
      server.script('mini-model', { content: GOOD });
      const result = await answererFor({ timeoutMs: 400 }).ask({ question, passages });
      expect(result.attempts.map((a) => [a.tier, a.failure])).toEqual([
        ['nano', 'timeout'],
        ['mini', undefined],
      ]);
    });

    it('on a 429 whose Retry-After is too long to wait for on this tier', async () => {
      server.script('nano-model', { status: 429, retryAfter: '3600' });
      server.script('mini-model', { content: GOOD });
      const result = await answererFor().ask({ question, passages });
      expect(result.attempts.map((a) => [a.tier, a.failure])).toEqual([
        ['nano', 'rate-limited'],
        ['mini', undefined],
      ]);
    });
  });

  it('stops at the attempt cap, then drops and reports the unsupported sentences', async () => {
    server.script('nano-model', { content: UNGROUNDED });
    server.script('mini-model', { content: json(['COGO listens on port 4000 by default.', ['c1']], ['Vectors live in Pinecone.', ['c2']]) });
    const result = await answererFor({ maxEscalations: 1 }).ask({ question, passages });
    expect(result.attempts.map((a) => [a.tier, a.failure])).toEqual([
      ['nano', 'ungrounded'],
      ['mini', 'ungrounded'],
    ]);
    expect(server.calls('full-model')).toBe(0);
    expect(result.answer.text).toBe('COGO listens on port 4000 by default. [c1]');
    expect(result.dropped.map((d) => d.text)).toEqual(['Vectors live in Pinecone.']);
    expect(result.dropped[0]?.problems).toContain('name Pinecone not in the cited passage');
  });

  it('goes no higher than full', async () => {
    server.script('nano-model', { status: 400 });
    server.script('mini-model', { status: 400 });
    server.script('full-model', { status: 400 });
    await expect(answererFor({ maxEscalations: 5 }).ask({ question, passages })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    expect([server.calls('nano-model'), server.calls('mini-model'), server.calls('full-model')]).toEqual([1, 1, 1]);
  });

  it('streams text deltas in order and reads the [id] markers as citations, in Korean too', async () => {
    server.script('nano-model', { content: 'COGO의 기본 포트는 4000입니다 [k1]. COGO_PORT로 바꿀 수 있습니다. [k1]', chunkSize: 6 });
    const deltas: string[] = [];
    const result = await answererFor().ask({ question: 'COGO의 기본 포트는 무엇인가요?', passages, onDelta: (d) => deltas.push(d) });
    expect(deltas.length).toBeGreaterThan(4);
    expect(deltas.join('')).toBe('COGO의 기본 포트는 4000입니다 [k1]. COGO_PORT로 바꿀 수 있습니다. [k1]');
    expect(result.answer.sentences).toEqual([
      { text: 'COGO의 기본 포트는 4000입니다.', citations: ['k1'] },
      { text: 'COGO_PORT로 바꿀 수 있습니다.', citations: ['k1'] },
    ]);
    expect(server.requests[0]?.stream).toBe(true);
  });

  it('answers extractively, citing only retrieved passages, when no key is configured', async () => {
    const result = await answererFor({ keys: false }).ask({ question, passages });
    expect(result.answer.provider).toBe('extractive');
    expect(result.answer.notice).toMatch(/extractive answer: no model is configured/);
    expect(result.answer.sentences.every((s) => s.citations.every((c) => passages.some((p) => p.id === c)))).toBe(true);
    expect(result.grounding.grounded).toBe(true);
    expect(result.costUsd).toBe(0);
    expect(server.requests).toHaveLength(0);
  });
});
