import type { Tier, TierPrice } from '../config/llm.js';

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  /** True when the server sent no `usage` and the counts are estimates (src/llm/tokens.ts). */
  estimated: boolean;
}

/** USD for one call at the tier's price: tokens × price per million. */
export function costOf(prices: Readonly<Record<Tier, TierPrice>>, tier: Tier, usage: Pick<TokenUsage, 'inputTokens' | 'outputTokens'>): number {
  const price = prices[tier];
  return (usage.inputTokens * price.inputPerMTok + usage.outputTokens * price.outputPerMTok) / 1_000_000;
}
