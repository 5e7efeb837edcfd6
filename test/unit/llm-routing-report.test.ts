import { describe, expect, it } from 'vitest';
import { DEFAULT_PRICES } from '../../src/config/llm.js';
import { costOf } from '../../src/llm/cost.js';
import { summarizeModelCalls, type ModelCallRow } from '../../src/llm/routing-report.js';

const call = (
  seq: number,
  tier: string,
  purpose: 'answer' | 'judge',
  tokensIn: number,
  tokensOut: number,
  escalatedFrom: string | null = null,
): ModelCallRow => ({
  jobId: 'orchestrate-1',
  seq,
  tier,
  purpose,
  ok: true,
  reason: null,
  escalatedFrom,
  tokensIn,
  tokensOut,
  costUsd: costOf(DEFAULT_PRICES, tier as 'nano', { inputTokens: tokensIn, outputTokens: tokensOut }),
  latencyMs: 100,
});

describe('summarizeModelCalls with grounding judge calls', () => {
  it('pays and counts the judge call per tier, but prices always-full on the answer the question kept', () => {
    const rows = [call(0, 'nano', 'answer', 1000, 100), call(1, 'full', 'judge', 800, 30)];
    const report = summarizeModelCalls(rows, DEFAULT_PRICES, null);
    expect(report.questions).toBe(1);
    expect(report.tiers.find((t) => t.tier === 'full')).toMatchObject({ calls: 1, tokensIn: 800, tokensOut: 30 });
    expect(report.costUsd).toBeCloseTo(rows[0]!.costUsd + rows[1]!.costUsd, 12);
    expect(report.alwaysFullCostUsd).toBeCloseTo(costOf(DEFAULT_PRICES, 'full', { inputTokens: 1000, outputTokens: 100 }), 12);
    // A judge call is not an escalation.
    expect(report.escalations).toBe(0);
  });
});
