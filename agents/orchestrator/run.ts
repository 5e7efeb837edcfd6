import type { Driver } from 'neo4j-driver';
import type { AskProgress, AskResult, Answerer, Passage } from '../../src/llm/index.js';
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

/**
 * Written before the first call (the passages, so a resumed run cites what the earlier attempts saw), at each
 * escalation (the finished attempts) and once answered (the result). `runs` counts the runs that reached the model.
 */
interface Checkpoint {
  passages: Passage[];
  runs: number;
  progress?: AskProgress;
  result?: AskResult;
}

/**
 * Answers one question: retrieve passages, route, call the tier (or quote extractively), check grounding,
 * escalate, store the model calls, stream `llm.delta` and end with `llm.done`. The answer is checkpointed before
 * anything is stored, so a run that dies after paying for it finishes without calling a model again.
 */
export async function runOrchestrate(ctx: JobContext<unknown>, deps: OrchestrateDeps): Promise<Record<string, unknown>> {
  const input = parseOrchestrateInput(ctx.input);
  const saved = await ctx.checkpoint.get<Checkpoint>();
  let answered = saved?.result ? { result: saved.result, passages: saved.passages } : undefined;
  if (!answered) {
    let passages = saved?.passages;
    if (!passages) {
      const found = await deps.retriever.search({ tenant: ctx.tenant, query: input.question, k: input.k, filters: input.filters ?? null, signal: ctx.signal });
      passages = found.items.map((item) => ({ id: item.chunkId, text: item.content, ref: `${item.path}:${item.startLine}-${item.endLine}` }));
    }
    await ctx.progress({ phase: 'retrieved', passages: passages.length, ...(saved ? { resumed: saved.progress?.attempts.length ?? 0 } : {}) });
    const runs = (saved?.runs ?? 0) + 1;
    let progress = saved?.progress;
    await ctx.checkpoint.set({ passages, runs, ...(progress ? { progress } : {}) } satisfies Checkpoint);
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
      // Each earlier run may have died inside one more attempt than it finished: this run's attempts are numbered
      // past all of those, so a client showing the latest attempt never mixes a lost one's text into this one.
      firstAttempt: (progress?.attempts.length ?? 0) + runs - 1,
      ...(progress ? { resume: progress } : {}),
      onEscalate: async (state) => {
        progress = state;
        await chain;
        await ctx.checkpoint.set({ passages, runs, progress } satisfies Checkpoint);
      },
    });
    await chain;
    answered = { result, passages };
    await ctx.checkpoint.set({ passages, runs, result } satisfies Checkpoint);
  }
  const { result, passages } = answered;
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
