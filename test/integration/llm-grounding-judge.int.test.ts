import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_PRICES, DEFAULT_ROUTER, type Tier } from '../../src/config/llm.js';
import { createAnswerer } from '../../src/llm/answer.js';
import type { Passage } from '../../src/llm/answer-types.js';
import { createLlmClient } from '../../src/llm/client.js';
import { costOf } from '../../src/llm/cost.js';
import { checkGrounding } from '../../src/llm/grounding.js';
import { createRouter } from '../../src/llm/router.js';
import { startOpenAiServer, type OpenAiServer } from '../support/openai-server.js';

const passages: Passage[] = [
  { id: 'keys', ref: 'docs/auth.md:40-42', text: 'A revoked key stops working on every API node within 5 seconds. Keys are stored hashed.' },
  { id: 'port', ref: 'README.md:10-12', text: 'COGO listens on port 4000 by default. Set COGO_PORT to change it.' },
];
const question = 'What happens to a revoked key?';
const json = (...sentences: [string, string[]][]) => JSON.stringify({ sentences: sentences.map(([text, citations]) => ({ text, citations })) });
const verdicts = (...items: [number, boolean, string][]) =>
  JSON.stringify({ verdicts: items.map(([index, supported, reason]) => ({ index, supported, reason })) });

// Keeps the passage's words and says the opposite: the surface rules pass it (asserted below), a judge should not.
const CONTRADICTION = 'A revoked key keeps working on other API nodes.';
const FAITHFUL = 'A revoked key stops working on every API node within 5 seconds.';
// Says what the passage says in other words: the rules fail it on word overlap only.
const PARAPHRASE = 'After revocation, the key stops working on all servers quickly.';

let server: OpenAiServer;
const answererFor = (judge: { tier: Tier; paraphrases: boolean } | undefined, maxEscalations = 2) => {
  const endpoint = (model: string) => ({ baseUrl: server.url, apiKey: 'k', model });
  const client = createLlmClient({
    tiers: { nano: endpoint('nano-model'), mini: endpoint('mini-model'), full: endpoint('full-model') },
    prices: DEFAULT_PRICES,
    timeoutMs: 2000,
    maxRetries: 0,
    baseDelayMs: 5,
  });
  return createAnswerer({ client, router: createRouter(DEFAULT_ROUTER, DEFAULT_PRICES), maxEscalations, escalationBackoffMs: 5, ...(judge ? { judge } : {}) });
};

beforeEach(async () => {
  server = await startOpenAiServer();
});
afterEach(async () => {
  await server.close();
});

describe('the grounding judge', () => {
  it('catches a contradiction the rules pass, in one structured call per answer, and the answer escalates', async () => {
    expect(checkGrounding([{ text: CONTRADICTION, citations: ['keys'] }], passages).grounded).toBe(true);
    server.script('nano-model', {
      content: json([CONTRADICTION, ['keys']], ['COGO listens on port 4000 by default.', ['port']]),
      usage: { prompt: 400, completion: 30 },
    });
    server.script('mini-model', { content: json([FAITHFUL, ['keys']]), usage: { prompt: 400, completion: 20 } });
    server.script(
      'full-model',
      {
        content: verdicts([0, false, 'the passage says it stops working on every node'], [1, true, 'port 4000 is stated']),
        usage: { prompt: 300, completion: 40 },
      },
      { content: verdicts([0, true, 'stated']), usage: { prompt: 200, completion: 10 } },
    );
    const result = await answererFor({ tier: 'full', paraphrases: true }).ask({ question, passages });

    const judgeRequest = server.requests.find((r) => r.model === 'full-model')!;
    expect(judgeRequest.responseFormat).toMatchObject({ type: 'json_schema', json_schema: { name: 'grounding_verdicts', strict: true } });
    const batch = judgeRequest.messages.find((m) => m.role === 'user')!.content;
    expect(batch).toContain(CONTRADICTION);
    expect(batch).toContain('COGO listens on port 4000 by default.');
    expect(batch).toContain(passages[0]!.text);

    expect(result.attempts.map((a) => [a.purpose ?? 'answer', a.tier, a.ok, a.failure ?? null])).toEqual([
      ['answer', 'nano', false, 'ungrounded'],
      ['judge', 'full', true, null],
      ['answer', 'mini', true, null],
      ['judge', 'full', true, null],
    ]);
    expect(result.attempts[0]?.detail).toMatch(/the full judge: the passage says it stops working on every node/);
    expect(result.tiersUsed).toEqual(['nano', 'mini']);
    expect(result.grounding.grounded).toBe(true);
    expect(result.answer.text).toBe(`${FAITHFUL} [keys]`);
    expect(result.judge).toEqual({ tier: 'full', judged: 1, overruled: 0, fellBack: false, detail: undefined });
    const expected =
      costOf(DEFAULT_PRICES, 'nano', { inputTokens: 400, outputTokens: 30 }) +
      costOf(DEFAULT_PRICES, 'mini', { inputTokens: 400, outputTokens: 20 }) +
      costOf(DEFAULT_PRICES, 'full', { inputTokens: 300, outputTokens: 40 }) +
      costOf(DEFAULT_PRICES, 'full', { inputTokens: 200, outputTokens: 10 });
    expect(result.costUsd).toBeCloseTo(expected, 12);
  });

  it('passes a paraphrase the rules fail only on wording, and leaves a hard failure to the rules', async () => {
    const rules = checkGrounding([{ text: PARAPHRASE, citations: ['keys'] }], passages).sentences[0]!;
    expect(rules).toMatchObject({ supported: false, paraphraseOnly: true });
    server.script('nano-model', { content: json([PARAPHRASE, ['keys']], ['COGO listens on port 8080 by default.', ['port']]) });
    server.script('full-model', { content: verdicts([0, true, 'refused on every node within seconds']) });
    const result = await answererFor({ tier: 'full', paraphrases: true }, 0).ask({ question, passages });
    const batch = server.requests.find((r) => r.model === 'full-model')!.messages.find((m) => m.role === 'user')!.content;
    // The wrong port failed a hard rule (a number): the judge never sees it and cannot pass it.
    expect(batch).not.toContain('8080');
    expect(result.answer.text).toBe(`${PARAPHRASE} [keys]`);
    expect(result.dropped.map((d) => d.text)).toEqual(['COGO listens on port 8080 by default.']);
    expect(result.judge).toMatchObject({ judged: 1, overruled: 1, fellBack: false });
  });

  it('sends no paraphrase to the judge when paraphrases are off', async () => {
    server.script('nano-model', { content: json([PARAPHRASE, ['keys']]) });
    const result = await answererFor({ tier: 'full', paraphrases: false }, 0).ask({ question, passages });
    expect(server.calls('full-model')).toBe(0);
    expect(result.judge).toBeUndefined();
    expect(result.dropped.map((d) => d.text)).toEqual([PARAPHRASE]);
  });

  it.each([
    ['an error', { status: 500 }, 'error', /grounding judge failed, the rules' verdicts stand: .*500/],
    ['a reply that is not its schema', { content: '{"verdicts": "yes"}' }, 'schema', /grounding judge failed, the rules' verdicts stand: .*JSON schema/],
  ] as const)('falls back to the rules on %s, says so and records the call', async (_, reply, failure, said) => {
    server.script('nano-model', { content: json([CONTRADICTION, ['keys']]) });
    server.script('full-model', reply);
    const result = await answererFor({ tier: 'full', paraphrases: true }).ask({ question, passages });
    expect(result.attempts.map((a) => [a.purpose ?? 'answer', a.tier, a.ok, a.failure ?? null])).toEqual([
      ['answer', 'nano', true, null],
      ['judge', 'full', false, failure],
    ]);
    expect(result.attempts[1]?.detail).toMatch(said);
    expect(result.judge).toMatchObject({ tier: 'full', judged: 1, fellBack: true });
    expect(result.judge?.detail).toMatch(said);
    // The rules' verdict stands: they passed it.
    expect(result.grounding.grounded).toBe(true);
    expect(server.calls('mini-model')).toBe(0);
  });

  it('lets the rules decide a sentence the judge gave no verdict for, and says so', async () => {
    server.script('nano-model', { content: json([FAITHFUL, ['keys']], ['COGO listens on port 4000 by default.', ['port']]) });
    server.script('full-model', { content: verdicts([0, true, 'stated']) });
    const result = await answererFor({ tier: 'full', paraphrases: true }).ask({ question, passages });
    expect(result.grounding.grounded).toBe(true);
    expect(result.judge).toMatchObject({ judged: 2, overruled: 0, fellBack: false });
    expect(result.judge?.detail).toMatch(/no verdict for 1 of 2 sentences/);
  });
});
