import { describe, expect, it } from 'vitest';
import type { Tier } from '../../src/config/llm.js';
import type { ChatResult } from '../../src/llm/client.js';
import { runWithEscalation, type Attempt } from '../../src/llm/escalation.js';

const reply = (tier: Tier, text: string): { value: string; result: ChatResult } => ({
  value: text,
  result: {
    tier,
    model: `${tier}-model`,
    text,
    json: undefined,
    usage: { inputTokens: 10, outputTokens: 5, estimated: false },
    costUsd: 0.001,
    latencyMs: 3,
    retries: 0,
  },
});

describe('runWithEscalation', () => {
  describe('when it resumes from the attempts an earlier run finished', () => {
    it('reports each escalation before the next tier is called, and a resumed chain calls only the tiers after them', async () => {
      const called: Tier[] = [];
      const order: string[] = [];
      const states: { attempts: Attempt[]; value: string | undefined }[] = [];
      const verify = (value: string) => (value === 'good' ? {} : { problem: { failure: 'ungrounded' as const, detail: 'bad' } });
      await runWithEscalation<string>({
        start: 'nano',
        maxEscalations: 2,
        model: (tier) => `${tier}-model`,
        backoffMs: 1,
        verify,
        call: async (tier) => {
          called.push(tier);
          order.push(`call ${tier}`);
          if (tier === 'mini') throw new Error('connection reset');
          return reply(tier, 'bad');
        },
        onEscalate: async (state) => {
          order.push(`escalate after ${state.attempts.map((a) => a.tier).join(',')}`);
          states.push(state);
        },
      });
      // Every escalation is reported before the next tier is called: a run that dies inside a call has its state.
      expect(order).toEqual(['call nano', 'escalate after nano', 'call mini', 'escalate after nano,mini', 'call full']);
      const afterNano = states[0]!;
      expect(afterNano.attempts.map((a) => [a.tier, a.failure])).toEqual([['nano', 'ungrounded']]);
      expect(afterNano.value).toBe('bad');

      called.length = 0;
      const resumed = await runWithEscalation<string>({
        start: 'nano',
        maxEscalations: 2,
        model: (tier) => `${tier}-model`,
        backoffMs: 1,
        verify,
        resume: afterNano,
        call: async (tier) => {
          called.push(tier);
          return reply(tier, 'good');
        },
      });
      expect(called).toEqual(['mini']);
      expect(resumed.value).toBe('good');
      expect(resumed.attempts.map((a) => [a.tier, a.ok, a.escalatedFrom ?? null])).toEqual([
        ['nano', false, null],
        ['mini', true, 'nano'],
      ]);
      expect(resumed.costUsd).toBeCloseTo(0.002, 12);
    });

    it('still stops at the escalation cap counted over both runs', async () => {
      const nano: Attempt = {
        tier: 'nano',
        model: 'nano-model',
        ok: false,
        failure: 'ungrounded',
        detail: 'bad',
        escalatedFrom: undefined,
        tokensIn: 1,
        tokensOut: 1,
        costUsd: 0,
        latencyMs: 1,
        retries: 0,
      };
      const called: Tier[] = [];
      const result = await runWithEscalation<string>({
        start: 'nano',
        maxEscalations: 1,
        model: (tier) => `${tier}-model`,
        backoffMs: 1,
        verify: () => ({ problem: { failure: 'ungrounded', detail: 'bad' } }),
        resume: { attempts: [nano], value: 'bad' },
        call: async (tier) => {
          called.push(tier);
          return reply(tier, 'still bad');
        },
      });
      expect(called).toEqual(['mini']);
      expect(result.attempts.map((a) => a.tier)).toEqual(['nano', 'mini']);
      expect(result.value).toBe('still bad');
    });

    it("records a check's own calls after the attempt they checked, and climbs over answer attempts only", async () => {
      const judgeCall = (tier: Tier): Attempt => ({
        purpose: 'judge',
        tier,
        model: `${tier}-model`,
        ok: true,
        failure: undefined,
        detail: undefined,
        escalatedFrom: undefined,
        tokensIn: 10,
        tokensOut: 10,
        costUsd: 0.01,
        latencyMs: 1,
        retries: 0,
      });
      const states: { attempts: Attempt[]; value: string | undefined }[] = [];
      const first = await runWithEscalation<string>({
        start: 'nano',
        maxEscalations: 1,
        model: (tier) => `${tier}-model`,
        backoffMs: 1,
        // The judge runs on full and finds the nano answer unsupported.
        verify: async (value) => ({
          calls: [judgeCall('full')],
          ...(value === 'good' ? {} : { problem: { failure: 'ungrounded' as const, detail: 'judge said no' } }),
        }),
        call: async (tier) => reply(tier, tier === 'nano' ? 'bad' : 'good'),
        onEscalate: async (state) => {
          states.push(state);
        },
      });
      expect(first.attempts.map((a) => [a.purpose ?? 'answer', a.tier, a.escalatedFrom ?? null])).toEqual([
        ['answer', 'nano', null],
        ['judge', 'full', null],
        ['answer', 'mini', 'nano'],
        ['judge', 'full', null],
      ]);
      expect(first.costUsd).toBeCloseTo(0.001 * 2 + 0.02, 12);
      // A run resumed after the judge's call on full goes on from mini, not past full.
      const resumed = await runWithEscalation<string>({
        start: 'nano',
        maxEscalations: 1,
        model: (tier) => `${tier}-model`,
        backoffMs: 1,
        resume: states[0]!,
        call: async (tier) => reply(tier, 'good'),
      });
      expect(resumed.attempts.map((a) => a.tier)).toEqual(['nano', 'full', 'mini']);
      expect(resumed.attempts.at(-1)).toMatchObject({ tier: 'mini', escalatedFrom: 'nano', ok: true });
    });
  });
});
