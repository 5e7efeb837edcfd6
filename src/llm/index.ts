import type { Config } from '../config/index.js';
import { createAnswerer, type Answerer } from './answer.js';
import { createLlmClient } from './client.js';
import { createRouter } from './router.js';

export type { Answer, AnswerSentence, Passage } from './answer-types.js';
export type { AskInput, AskProgress, AskResult, Answerer } from './answer.js';
export type { Attempt } from './escalation.js';
export type { JudgeSummary } from './grounding-judge.js';
export type { RouteDecision, Router } from './router.js';

/** The answerer the configuration describes: tiers, prices, retries, router weights and the escalation cap. */
export function answererFrom(llm: Config['llm']): Answerer {
  const client = createLlmClient({ tiers: llm.tiers, prices: llm.prices, timeoutMs: llm.timeoutMs, maxRetries: llm.maxRetries });
  return createAnswerer({
    client,
    router: createRouter(llm.router, llm.prices),
    maxEscalations: llm.maxEscalations,
    ...(llm.judge ? { judge: llm.judge } : {}),
  });
}
