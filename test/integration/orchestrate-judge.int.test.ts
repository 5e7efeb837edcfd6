import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passageIdSaying, startAskPlatform, type AskPlatform } from '../support/ask-fixtures.js';
import { runCli } from '../support/indexing-fixtures.js';
import type { OpenAiServer } from '../support/openai-server.js';
import { waitUntil, type Platform } from './support/platform.js';

const QUESTION = 'How often does the vault rotate its archive keys?';
const verdicts = (...items: [number, boolean, string][]) =>
  JSON.stringify({ verdicts: items.map(([index, supported, reason]) => ({ index, supported, reason })) });

describe('an orchestrate job with the grounding judge configured (COGO_GROUNDING_JUDGE=full)', () => {
  let asking: AskPlatform;
  let platform: Platform;
  let models: OpenAiServer;

  beforeAll(async () => {
    asking = await startAskPlatform({ COGO_GROUNDING_JUDGE: 'full' });
    ({ platform, models } = asking);
  });
  afterAll(async () => {
    await asking?.close();
  });

  it('overrules the rules on a sentence they pass, escalates, stores the judge calls, and cogo ask says what it did', async () => {
    // The nano answer passes the rules; the scripted judge rejects it (its verdict overrides), then accepts the mini one.
    models.script('nano-model', { compose: (r) => `The vault rotates its archive keys every ninety days [${passageIdSaying(r, 'ninety days')}].` });
    models.script('mini-model', { compose: (r) => `The vault rotates its archive keys every ninety days [${passageIdSaying(r, 'ninety days')}].` });
    models.script('full-model', { content: verdicts([0, false, 'scripted rejection']) }, { content: verdicts([0, true, 'stated']) });
    const { code, stdout, stderr } = await runCli(['ask', QUESTION, '--risk', 'low', '-k', '5', '--json'], platform.env);
    expect(code, stderr).toBe(0);
    const done = JSON.parse(stdout) as {
      jobId: string;
      tiersUsed: string[];
      grounded: boolean;
      judge: { tier: string; judged: number; overruled: number; fellBack: boolean };
      attempts: { purpose: string; tier: string; ok: boolean; failure: string | null }[];
    };
    expect(done.attempts).toEqual([
      expect.objectContaining({ purpose: 'answer', tier: 'nano', ok: false, failure: 'ungrounded' }),
      expect.objectContaining({ purpose: 'judge', tier: 'full', ok: true }),
      expect.objectContaining({ purpose: 'answer', tier: 'mini', ok: true }),
      expect.objectContaining({ purpose: 'judge', tier: 'full', ok: true }),
    ]);
    expect(done.tiersUsed).toEqual(['nano', 'mini']);
    expect(done.judge).toMatchObject({ tier: 'full', judged: 1, overruled: 0, fellBack: false });
    expect(stderr).toMatch(/^grounding: the full judge checked 1 sentence\(s\), overruled the rules on 0$/m);
    // The judge's request carried the answer sentence and its cited passage, with the structured-output schema.
    const judged = models.requests.filter((r) => r.model === 'full-model');
    expect(judged).toHaveLength(2);
    expect(judged[0]!.responseFormat).toMatchObject({ type: 'json_schema', json_schema: { name: 'grounding_verdicts' } });
    expect(judged[0]!.messages.at(-1)!.content).toContain('The vault rotates its archive keys every ninety days');

    const stored = await waitUntil(async () => {
      const { records } = await platform.runtime.driver.executeQuery(
        'MATCH (:Job {id: $jobId})-[:MADE_CALL]->(m:ModelCall) RETURN m.seq AS seq, m.tier AS tier, m.purpose AS purpose, m.reason AS reason ORDER BY m.seq',
        { jobId: done.jobId },
        { database: platform.config.neo4j.database },
      );
      return records.length === 4 && records.map((r) => [r.get('tier'), r.get('purpose'), r.get('reason')]);
    });
    expect(stored).toEqual([
      ['nano', 'answer', 'ungrounded'],
      ['full', 'judge', null],
      ['mini', 'answer', null],
      ['full', 'judge', null],
    ]);
  });
});
