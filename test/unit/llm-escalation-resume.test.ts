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
      const verify = (value: string) => (value === 'good' ? undefined : { failure: 'ungrounded' as const, detail: 'bad' });
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
        verify: () => ({ failure: 'ungrounded', detail: 'bad' }),
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
  });
});
