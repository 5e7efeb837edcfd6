import type { Driver } from 'neo4j-driver';
import type { AskResult, Answerer, Passage } from '../../src/llm/index.js';
import type { JobContext } from '../../src/queue/job-context.js';
import type { Retriever } from '../../src/rag/index.js';
import { parseOrchestrateInput } from './input.js';
import { storeModelCalls } from './model-calls.js';

export interface OrchestrateDeps {
  retriever: Pick<Retriever, 'search'>;
  answerer: Answerer;
  driver: Driver;
  database: string;
}

interface Checkpoint {
  result: AskResult;
  passages: Passage[];
}

/**
 * Answers one question: retrieve passages, route, call the tier (or quote extractively), check grounding,
 * escalate, store the model calls, stream `llm.delta` and end with `llm.done`. The answer is checkpointed before
 * anything is stored, so a run that dies after paying for it finishes without calling a model again.
 */
export async function runOrchestrate(ctx: JobContext<unknown>, deps: OrchestrateDeps): Promise<Record<string, unknown>> {
  const input = parseOrchestrateInput(ctx.input);
  let saved = await ctx.checkpoint.get<Checkpoint>();
  if (!saved) {
    const found = await deps.retriever.search({ tenant: ctx.tenant, query: input.question, k: input.k, filters: input.filters ?? null, signal: ctx.signal });
    const passages: Passage[] = found.items.map((item) => ({ id: item.chunkId, text: item.content, ref: `${item.path}:${item.startLine}-${item.endLine}` }));
    await ctx.progress({ phase: 'retrieved', passages: passages.length });
    // Deltas go out in order: each emit waits for the one before (the bus assigns sequence numbers on publish).
    let chain: Promise<void> = Promise.resolve();
    let seq = 0;
    const onDelta = (text: string, from: { attempt: number; tier: string }) => {
      const n = seq++;
      chain = chain.then(() => ctx.emit('llm.delta', { seq: n, attempt: from.attempt, tier: from.tier, text }));
    };
    const result = await deps.answerer.ask({
      question: input.question,
      passages,
      ...(input.taskType ? { taskType: input.taskType } : {}),
      ...(input.risk ? { risk: input.risk } : {}),
      ...(input.budgetUsd !== undefined ? { budgetUsd: input.budgetUsd } : {}),
      onDelta,
      onRoute: (route) => ctx.emit('meta', { route }),
      signal: ctx.signal,
    });
    await chain;
    saved = { result, passages };
    await ctx.checkpoint.set(saved);
  }
  const { result, passages } = saved;
  await ctx.assertLease();
  await storeModelCalls(deps.driver, deps.database, { jobId: ctx.jobId, tenant: ctx.tenant }, result.attempts);
  const cited = new Set(result.answer.sentences.flatMap((s) => s.citations));
  const citations = passages.filter((p) => cited.has(p.id)).map((p, i) => ({ n: i + 1, id: p.id, ref: p.ref }));
  const done = {
    answer: result.answer.text,
    provider: result.answer.provider,
    notice: result.answer.notice ?? null,
    citations,
    tier: result.route.tier,
    taskType: result.route.taskType,
    tiersUsed: result.tiersUsed,
    costUsd: result.costUsd,
    grounded: result.grounding.grounded,
    dropped: result.dropped,
    attempts: result.attempts.map((a) => ({ tier: a.tier, ok: a.ok, failure: a.failure ?? null, escalatedFrom: a.escalatedFrom ?? null, costUsd: a.costUsd })),
  };
  await ctx.emit('llm.done', done);
  return done;
}
