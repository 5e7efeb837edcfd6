import type { SourceContext, SourceEvent } from '../../ingest/sources/index.js';
import { AppError, toAppError } from '../../src/errors.js';
import type { JobContext } from '../../src/queue/job-context.js';
import { parseJobInput } from '../../src/queue/job-inputs.js';
import { readCheckpoint, restore } from './checkpoint.js';
import type { EvidenceStore } from '../../src/evidence/evidence-store.js';
import { createMerger } from './merge.js';
import { questionTerms, toCandidate } from './normalize.js';
import { parseHints, planQueries, redactHint } from './plan.js';
import type { ClaimGroup } from './claims.js';
import { cpuTask, type CpuPool } from '../../src/cpu/cpu-pool.js';
import { rank } from './rank.js';
import type { PolicedSource, SourceRegistry } from './sources.js';
import { createStats } from './stats.js';
import { fetchTask, tasksFor } from './tasks.js';
import type { Candidate, Failure, FetchTask, SearchTask } from './types.js';
import { createBatchWriter, publicItem } from './writer.js';
import { summarize } from './result.js';

export interface RunDeps {
  registry: SourceRegistry;
  store: EvidenceStore;
  /** Claim grouping reads every kept page's sentences: it runs on the CPU pool. */
  cpu: Pick<CpuPool, 'run'>;
}

const GROUP_CLAIMS = cpuTask<{ tenant: string; kept: Candidate[] }, ClaimGroup[]>(new URL('./claims-task.ts', import.meta.url).href, 'groupClaimsTask');

const REFUSED = new Set(['FORBIDDEN', 'BAD_INPUT']);
const DEFAULT_MAX_ITEMS = 20;

/** One research job: plan → search and fetch concurrently → merge, store and stream batches → rank → result. */
export async function runResearch(ctx: JobContext<unknown>, deps: RunDeps): Promise<Record<string, unknown>> {
  const started = Date.now();
  const { registry, store } = deps;
  const input = parseJobInput('research', ctx.input);
  const maxItems = input.maxItems ?? DEFAULT_MAX_ITEMS;
  const freshness = input.freshness ?? 'any';
  const plan = planQueries(input.question);
  const terms = questionTerms(plan.keywords);
  const { hints, problems } = parseHints(input.sources, registry.apiNames);
  const failures: Failure[] = problems.map((p) => ({
    source: 'hints',
    target: p.hint,
    op: 'hint',
    code: p.code,
    message: p.message,
    refused: true,
    retryable: false,
  }));
  const { fetches, searches, queries } = tasksFor(hints, plan, registry);

  const checkpoint = await readCheckpoint(ctx);
  const merger = createMerger();
  const stats = createStats();
  const resumed = await restore({
    checkpoint,
    store,
    merger,
    tenant: ctx.tenant,
    keywords: plan.keywords,
    fallbackSource: (kind, source, url) => registry.sourceNode(ctx.tenant, kind, source, url),
  });
  const stop = new AbortController();
  const signal = AbortSignal.any([ctx.signal, stop.signal]);
  const writer = createBatchWriter({ ctx, store, checkpoint, merger, terms, freshness, onFatal: (error) => stop.abort(error) });
  const logs = new Set<Promise<void>>();
  const log = (message: string, data: Record<string, unknown>) => {
    const pending = ctx
      .log(message, data)
      .catch((error: unknown) => ctx.logger.warn({ err: error, jobId: ctx.jobId, message }, 'research.log event not published'))
      .finally(() => logs.delete(pending));
    logs.add(pending);
  };
  for (const failure of failures) log(`source hint "${failure.target}" refused: ${failure.message}`, { kind: 'source.refused', ...failure });
  if (resumed > 0) log(`resuming: ${resumed} evidence items already stored by an earlier attempt`, { kind: 'research.resumed', resumed });

  const contextFor = (p: PolicedSource): SourceContext => ({
    signal,
    limiter: p.limiter,
    tenant: ctx.tenant,
    logger: ctx.logger,
    onEvent: (event: SourceEvent) => onSourceEvent(p, event),
  });
  function onSourceEvent(p: PolicedSource, event: SourceEvent) {
    if (event.type === 'source.retry') stats.retry(p.key, p.kind);
    if (event.type === 'source.breaker-open') stats.breakerOpened(p.key, p.kind);
    const what =
      event.type === 'source.retry'
        ? `retrying ${String(event.data.op)} on ${p.key} after ${String(event.data.code)}`
        : event.type === 'source.breaker-open'
          ? `circuit opened for ${p.key} after ${String(event.data.failures)} failed calls; failing fast for ${String(event.data.coolDownMs)} ms`
          : `circuit closed again for ${p.key}`;
    log(what, { kind: event.type, source: p.key, ...event.data });
  }

  function recordFailure(task: { source: string; kind: FetchTask['kind'] }, op: 'search' | 'fetch', target: string, error: unknown, ms: number) {
    const appError = toAppError(error, 'research');
    if (appError.code === 'INTERNAL') ctx.logger.error({ err: error, source: task.source, op }, 'research source call failed unexpectedly');
    const refused = REFUSED.has(appError.code) && !appError.details?.status;
    const failure: Failure = {
      source: task.source,
      target: redactHint(target),
      op,
      code: appError.code,
      message: appError.message,
      refused,
      retryable: appError.retryable,
    };
    failures.push(failure);
    stats.call(task.source, task.kind, ms, refused ? 'refused' : 'failed');
    log(`${op} ${refused ? 'refused' : 'failed'}: ${failure.target} (${appError.code}) ${appError.message}`, {
      kind: refused ? 'source.refused' : 'source.failed',
      ...failure,
    });
  }

  const budget = { left: Math.max(10, maxItems * 2) };
  const seen = new Set([...fetches.map((f) => f.key), ...Object.keys(checkpoint.fetched)]);

  async function runFetch(task: FetchTask): Promise<void> {
    if (checkpoint.fetched[task.key]) return;
    const policed = registry.get(task.kind, task.source);
    const t0 = performance.now();
    try {
      const doc = await policed.adapter.fetch(task.ref, contextFor(policed));
      const sourceNode = registry.sourceNode(ctx.tenant, task.kind, task.source, doc.url.startsWith('http') ? doc.url : doc.finalUrl);
      const candidate = toCandidate(doc, task, { tenant: ctx.tenant, terms, sourceNode });
      if (!candidate)
        throw new AppError('NOT_FOUND', `${task.ref.url} has no readable text`, { via: task.source, retryable: false, details: { status: doc.status } });
      stats.call(task.source, task.kind, performance.now() - t0, 'ok');
      const outcome = merger.add(candidate);
      if (outcome.status === 'accepted') writer.add(candidate, task);
      else writer.duplicate(task, { duplicateOf: outcome.of.item.id, note: outcome.note });
    } catch (error) {
      if (signal.aborted) return;
      recordFailure(task, 'fetch', task.ref.url, error, performance.now() - t0);
    }
  }

  async function runSearch(task: SearchTask): Promise<void> {
    let refs = checkpoint.searches[task.key];
    if (!refs) {
      const policed = registry.get(task.kind, task.source);
      const t0 = performance.now();
      try {
        refs = await policed.adapter.search(task.query, contextFor(policed));
        stats.call(task.source, task.kind, performance.now() - t0, 'ok');
        writer.saveSearch(task.key, refs);
      } catch (error) {
        if (!signal.aborted) recordFailure(task, 'search', task.query, error, performance.now() - t0);
        return;
      }
    }
    const found = refs.map((ref) => fetchTask(task.source, task.kind, ref, false)).filter((f) => !seen.has(f.key));
    for (const f of found) seen.add(f.key);
    await Promise.all(found.filter(() => budget.left-- > 0).map(runFetch));
  }

  const planned = fetches.length + searches.length;
  await ctx.progress({ phase: 'fetching', planned, resumed, queries });
  await Promise.allSettled([...fetches.map(runFetch), ...searches.map(runSearch)]);
  await writer.drain().catch((error: unknown) => {
    throw signal.aborted && ctx.signal.aborted ? ctx.signal.reason : error;
  });
  if (ctx.signal.aborted) throw ctx.signal.reason;
  await Promise.all([...logs]);

  if (merger.kept().length === 0 && stats.succeeded() === 0 && failures.length > 0) throw everythingFailed(failures);
  const ranked = rank(merger.kept(), terms, freshness);
  const conflicts = merger.settleConflicts();
  await store.setRanks(
    ctx.jobId,
    ctx.tenant,
    ranked.map((c, i) => ({
      id: c.item.id,
      score: c.item.score,
      rank: i + 1,
      selected: i < maxItems,
      conflictsWith: c.item.conflictsWith ?? [],
    })),
  );
  const claims = await deps.cpu.run(GROUP_CLAIMS, { tenant: ctx.tenant, kept: [...merger.kept()] }, { signal: ctx.signal });
  await store.writeClaims(ctx.jobId, ctx.tenant, claims);
  const breakers = await registry.breakerStates(stats.sources());
  const result = summarize({
    question: plan.question,
    maxItems,
    freshness,
    queries,
    planned,
    resumed,
    failures,
    conflicts,
    claims,
    evidence: ranked.slice(0, maxItems).map((c) => publicItem(c.item)),
    kept: ranked.map((c) => c.item),
    fetched: Object.values(checkpoint.fetched),
    written: writer.stats(),
    sources: stats.snapshot(breakers),
    durationMs: Date.now() - started,
  });
  await ctx.checkpoint.set({ v: 1, completed: true });
  return result;
}

/**
 * Refused sources do not fail a job that found something elsewhere; a job where every call failed does:
 * retryably (UPSTREAM_UNAVAILABLE) if any failure might pass, else with the most common refusal code.
 */
export function everythingFailed(failures: readonly Failure[]): AppError {
  const counts = new Map<string, number>();
  for (const f of failures) counts.set(f.code, (counts.get(f.code) ?? 0) + 1);
  const summary = [...counts].map(([code, n]) => `${code} ×${n}`).join(', ');
  const retryable = failures.some((f) => f.retryable);
  const code = retryable ? 'UPSTREAM_UNAVAILABLE' : ([...counts].sort((a, b) => b[1] - a[1])[0]?.[0] as AppError['code']);
  const first = failures[0];
  const message = `research found nothing: every source failed (${summary})${first ? `; first: ${first.target}: ${first.message}` : ''}`;
  return new AppError(code, message.slice(0, 1000), { via: 'research', retryable, details: { failures: failures.slice(0, 20) } });
}
