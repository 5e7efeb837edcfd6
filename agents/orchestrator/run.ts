import type { Driver } from 'neo4j-driver';
import { AppError } from '../../src/errors.js';
import type { AskProgress, AskResult, Answerer, Passage } from '../../src/llm/index.js';
import type { JobContext } from '../../src/queue/job-context.js';
import type { Retriever } from '../../src/rag/index.js';
import { gatherChildren, planChildren, type ChildJobs, type ChildRecord, type GatheredChild } from './children.js';
import { parseOrchestrateInput, type OrchestrateInput } from './input.js';
import { storeModelCalls } from './model-calls.js';
import { proposeBlueprint } from './blueprint-proposal.js';
import type { BlueprintStore } from '../../src/blueprints/blueprint-store.js';

export interface OrchestrateDeps {
  retriever: Pick<Retriever, 'search'>;
  answerer: Answerer;
  driver: Driver;
  database: string;
  /** Child jobs (research, indexing) in the orchestrate job's BullMQ flow; without it a question gets none. */
  children?: ChildJobs;
  /** Where a `proposeBlueprint` job's proposal goes; without it such a job fails instead of answering without it. */
  blueprints?: Pick<BlueprintStore, 'propose'>;
}

/**
 * Written before the first call (the passages, so a resumed run cites what the earlier attempts saw), at each
 * escalation (the finished attempts) and once answered (the result). `runs` counts the runs that reached the model.
 */
interface Checkpoint {
  /** Enqueued before the job first waits for them: a resumed run finds them here and enqueues none again. */
  children?: ChildRecord[];
  passages?: Passage[];
  runs?: number;
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
  const children = saved?.children ?? (await startChildren(ctx, deps, input));
  // Parks the job until every child has finished (it then runs again from the top): the answer needs them all.
  if (children.length > 0 && !saved?.result) await ctx.waitForChildren?.();
  const gathered = children.length > 0 ? await gatherChildren(children, deps.children!, principalOf(ctx)) : { gathered: [], evidence: [] };
  let answered = saved?.result && saved.passages ? { result: saved.result, passages: saved.passages } : undefined;
  if (!answered) {
    let passages = saved?.passages;
    if (!passages) {
      const found = await deps.retriever.search({ tenant: ctx.tenant, query: input.question, k: input.k, filters: input.filters ?? null, signal: ctx.signal });
      const chunks = found.items.map((item) => ({ id: item.chunkId, text: item.content, ref: `${item.path}:${item.startLine}-${item.endLine}` }));
      // The research children's evidence is cited like the chunks: by id, with its URL as the reference.
      passages = [...chunks, ...gathered.evidence.slice(0, input.k)];
    }
    await ctx.progress({ phase: 'retrieved', passages: passages.length, ...(saved ? { resumed: saved.progress?.attempts.length ?? 0 } : {}) });
    const runs = (saved?.runs ?? 0) + 1;
    let progress = saved?.progress;
    await ctx.checkpoint.set({ children, passages, runs, ...(progress ? { progress } : {}) } satisfies Checkpoint);
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
        await ctx.checkpoint.set({ children, passages, runs, progress } satisfies Checkpoint);
      },
    });
    await chain;
    answered = { result, passages };
    await ctx.checkpoint.set({ children, passages, runs, result } satisfies Checkpoint);
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
    // Cited sentences of the checked answer that their passages do not support (dropped, but counted: the
    // dashboard's evidence-mismatch gate is the share of answers where this is above 0).
    unsupportedCitations: result.grounding.unsupported.filter((v) => v.citations.length > 0).length,
    dropped: result.dropped,
    // The grounding judge's verdicts (when one ran): how many sentences it judged and overruled, or that it failed
    // and the rules' verdicts stood.
    judge: result.judge ?? null,
    attempts: result.attempts.map((a) => ({
      purpose: a.purpose ?? 'answer',
      tier: a.tier,
      ok: a.ok,
      failure: a.failure ?? null,
      escalatedFrom: a.escalatedFrom ?? null,
      costUsd: a.costUsd,
    })),
    children: gathered.gathered.map((c: GatheredChild) => ({ role: c.role, jobId: c.jobId, status: c.status, ...c.summary })),
    // Proposing what the newest version already says writes nothing: a re-run returns the same proposal.
    ...(input.proposeBlueprint ? { blueprint: await propose(ctx, deps, input, result.answer.text, [...cited], gathered.evidence) } : {}),
  };
  await ctx.emit('llm.done', done);
  return done;
}

async function propose(ctx: JobContext<unknown>, deps: OrchestrateDeps, input: OrchestrateInput, answer: string, cited: string[], evidence: Passage[]) {
  if (!deps.blueprints) {
    throw new AppError('UPSTREAM_UNAVAILABLE', 'this worker has no blueprint store; run the orchestrate queue with `cogo worker`', { via: 'orchestrate' });
  }
  const { name, kind } = input.proposeBlueprint!;
  await ctx.assertLease();
  const request = { tenant: ctx.tenant, jobId: ctx.jobId, name, kind, question: input.question, answer, cited, evidence };
  return proposeBlueprint({ blueprints: deps.blueprints, driver: deps.driver, database: deps.database }, request);
}

const principalOf = (ctx: JobContext<unknown>) => ({ id: ctx.principal ?? 'orchestrator', tenant: ctx.tenant });

/**
 * Decomposition: enqueues the child jobs the question needs as children of this job (`CHILD_OF` in the graph, the
 * flow's dependencies in BullMQ) and checkpoints them. Idempotency keys derived from this job's id make a run that
 * died between enqueueing and checkpointing get the same children back, not a second set.
 */
async function startChildren(ctx: JobContext<unknown>, deps: OrchestrateDeps, input: OrchestrateInput): Promise<ChildRecord[]> {
  const plan = planChildren(input);
  if (plan.length === 0) return [];
  if (!deps.children || !ctx.waitForChildren) {
    throw new AppError('UPSTREAM_UNAVAILABLE', 'this worker cannot run child jobs (no job service); run the orchestrate queue with `cogo worker`', {
      via: 'orchestrate',
    });
  }
  const children: ChildRecord[] = [];
  for (const child of plan) {
    const { jobId } = await deps.children.enqueue({
      type: child.type,
      input: child.input,
      parentJobId: ctx.jobId,
      waitedOnByParent: true,
      idempotencyKey: `${ctx.jobId}:${child.role}`,
      traceId: ctx.traceId,
      principal: principalOf(ctx),
    });
    children.push({ role: child.role, jobId });
  }
  await ctx.checkpoint.set({ children } satisfies Checkpoint);
  await ctx.progress({ phase: 'children', children });
  return children;
}
