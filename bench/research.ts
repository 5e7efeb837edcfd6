/**
 * Research agent benchmark (issue 5): 10-source questions against ten local "sites" (the corpus server on
 * 127.0.0.1 … 127.0.0.10, so each is its own source with the default per-host policies: 4 req/s, 3 attempts,
 * breaker after 5 failures) with 20–120 ms injected latency and 10 % injected 503s. Each question names 10
 * URLs: 7 distinct pages, an exact copy, a near-duplicate (one sentence of twelve changed) and a tracking-
 * parameter variant. Reports evidence items/s, P50/P95 job latency (enqueue → research.done), and the share
 * of duplicates left after merging, checked independently with exact shingle Jaccard over the stored text;
 * the baseline is the share of duplicates among what was fetched, before merging. Two phases: the default
 * policies (bound by the per-site rate limit), then the per-site limit lifted (what the agent itself costs).
 */
import { randomUUID } from 'node:crypto';
import { createResearchProcessor, type PolicyConfig } from '../agents/research/index.js';
import type { EvidenceStore } from '../src/evidence/evidence-store.js';
import { jaccard, shingleHashes } from '../agents/research/minhash.js';
import { percentile } from '../agents/research/stats.js';
import { loadConfig } from '../src/config/index.js';
import { createLogger } from '../src/observability/logger.js';
import { workerHostOptions } from '../src/app.js';
import { startWorkerHost } from '../src/queue/worker-host.js';
import { closeRuntime, createRuntime, migrateAll, type Runtime } from '../src/runtime.js';
import { startResearchCorpus, type ResearchCorpus } from '../test/support/research-corpus.js';
import type { BenchReport } from './run.js';

const JOBS = Number(process.env.BENCH_JOBS ?? 60);
const IN_FLIGHT = 4;
const SITES = 10;
/** What the goal counts as a near-duplicate (exact Jaccard of word 3-shingles), independent of the agent's setting. */
const NEAR_DUPLICATE = 0.7;

type Item = { id: string; contentHash: string; duplicates?: { kind: string }[] };
type Result = {
  evidence: Item[];
  stats: { totals: { kept: number; duplicates: Record<string, number> }; sources: Record<string, { calls: number; failures: number; retries: number }> };
};

/** Question j: pages j·7 … j·7+6 on sites 0–6, then an exact copy, a near-duplicate and a utm variant of three of them. */
function sourcesFor(j: number, sites: ResearchCorpus[]): string[] {
  const doc = (k: number) => j * 7 + k;
  const site = (k: number) => sites[k % SITES]!.url;
  return [
    ...Array.from({ length: 7 }, (_, k) => `${site(k)}/doc/${doc(k)}`),
    `${site(7)}/doc/${doc(0)}/copy`,
    `${site(8)}/doc/${doc(1)}/near`,
    `${site(2)}/doc/${doc(2)}?utm_source=bench`,
  ];
}

interface Phase {
  results: Result[];
  latencies: number[];
  seconds: number;
  failedJobs: number;
}

/** Runs JOBS questions, IN_FLIGHT at a time, through one worker host with the given web policies. */
async function runPhase(runtime: Runtime, sites: ResearchCorpus[], tenant: string, offset: number, web?: Partial<PolicyConfig>): Promise<Phase> {
  const research = runtime.agents.research;
  const processor = createResearchProcessor({
    ...research,
    sources: { ...research.sources, allowHosts: ['127.0.0.0/24'], ...(web ? { policies: { web } } : {}) },
  });
  const host = await startWorkerHost(workerHostOptions(runtime, { research: processor }));
  const phase: Phase = { results: [], latencies: [], seconds: 0, failedJobs: 0 };
  try {
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < JOBS) {
          const j = offset + next++;
          const t0 = performance.now();
          const { jobId } = await runtime.jobs.enqueue({
            type: 'research',
            input: { question: `tidal turbine maintenance report ${j}`, sources: sourcesFor(j, sites) },
            traceId: randomUUID(),
            principal: { id: 'bench', tenant },
          });
          for await (const event of runtime.events.subscribe({ kind: 'job', jobId })) {
            if (event.type === 'research.done') phase.results.push(event.data.result as Result);
            if (event.type === 'job.dead') phase.failedJobs++;
            if (event.type === 'research.done' || event.type === 'job.dead') break;
          }
          phase.latencies.push(performance.now() - t0);
        }
      }),
    );
    phase.seconds = (performance.now() - started) / 1000;
    return phase;
  } finally {
    await host.close();
    await processor.close();
  }
}

/** Duplicates left in each job's final list: exact (same content hash) and near (exact shingle Jaccard on the stored text). */
async function measure(phase: Phase, store: EvidenceStore, tenant: string) {
  let items = 0;
  let exactLeft = 0;
  let nearLeft = 0;
  let mergedAway = 0;
  for (const result of phase.results) {
    const evidence = result.evidence;
    items += evidence.length;
    exactLeft += evidence.length - new Set(evidence.map((e) => e.contentHash)).size;
    const shingles = (
      await store.loadByIds(
        tenant,
        evidence.map((e) => e.id),
      )
    ).map((t) => shingleHashes(t.text));
    // An item counts once if it is a near-duplicate of any item ranked above it.
    nearLeft += shingles.filter((s, i) => shingles.slice(0, i).some((o) => jaccard(o, s) >= NEAR_DUPLICATE)).length;
    const d = result.stats.totals.duplicates;
    // + 1: the utm variant, merged before it was fetched.
    mergedAway += (d.exact ?? 0) + (d.near ?? 0) + (d.url ?? 0) + 1;
  }
  const calls = phase.results.flatMap((r) => Object.values(r.stats.sources));
  const sum = (f: (s: (typeof calls)[number]) => number) => calls.reduce((a, s) => a + f(s), 0);
  const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
  return {
    completedJobs: phase.results.length,
    failedJobs: phase.failedJobs,
    evidenceItems: items,
    evidenceItemsPerSec: round(items / phase.seconds),
    jobLatencyMs: {
      p50: Math.round(percentile(phase.latencies, 50)),
      p95: Math.round(percentile(phase.latencies, 95)),
      max: Math.round(Math.max(...phase.latencies)),
    },
    sourceCalls: { calls: sum((s) => s.calls), failures: sum((s) => s.failures), retries: sum((s) => s.retries) },
    duplicates: {
      baselineShareBeforeMerge: round(mergedAway / (items + mergedAway), 3),
      exactShareAfterMerge: items ? exactLeft / items : 0,
      nearShareAfterMerge: items ? round(nearLeft / items, 4) : 0,
    },
  };
}

export default async function researchBenchmark(): Promise<BenchReport> {
  const prefix = `bench-research-${randomUUID().slice(0, 6)}`;
  const tenant = `bench-${randomUUID().slice(0, 8)}`;
  const env = {
    ...process.env,
    COGO_QUEUE_PREFIX: prefix,
    LOG_LEVEL: 'silent',
    DATABASE_URL: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/cogo_test',
  };
  const config = loadConfig(env);
  const runtime = await createRuntime(config, createLogger({ level: 'silent' }));
  await migrateAll(runtime);
  const seed = randomUUID().slice(0, 8);
  const sites = await Promise.all(
    Array.from({ length: SITES }, (_, i) => startResearchCorpus({ seed, host: `127.0.0.${i + 1}`, latencyMs: [20, 120], failureRate: 0.1 })),
  );
  const store = runtime.evidence;
  try {
    // Default policies: 4 requests/s per site, which a 10-source question at IN_FLIGHT questions at a time saturates.
    const polite = await measure(await runPhase(runtime, sites, tenant, 0), store, tenant);
    // The per-site limit lifted: what the agent itself costs per question.
    const unthrottled = await measure(await runPhase(runtime, sites, tenant, JOBS, { ratePerSec: 1000, burst: 1000, concurrency: 16 }), store, tenant);
    const all = [polite, unthrottled];
    const exact = Math.max(...all.map((m) => m.duplicates.exactShareAfterMerge));
    const near = Math.max(...all.map((m) => m.duplicates.nearShareAfterMerge));
    return {
      name: 'research',
      jobsPerPhase: JOBS,
      sourcesPerQuestion: 10,
      inFlight: IN_FLIGHT,
      injected: { latencyMs: [20, 120], failureRate: 0.1 },
      polite,
      unthrottled,
      goals: {
        exactDuplicateShare: { value: exact, goal: '0', met: exact === 0 },
        nearDuplicateShare: { value: near, goal: '< 0.02', met: near < 0.02 },
        evidenceItemsPerSec: { value: polite.evidenceItemsPerSec, goal: 'reported (default 4 req/s per site)', met: true },
        p95JobLatencyMs: { value: polite.jobLatencyMs.p95, goal: 'reported (10 sources)', met: true },
        unthrottledP95JobLatencyMs: { value: unthrottled.jobLatencyMs.p95, goal: 'reported', met: true },
        completedJobs: {
          value: polite.completedJobs + unthrottled.completedJobs,
          goal: `${2 * JOBS}`,
          met: polite.completedJobs + unthrottled.completedJobs === 2 * JOBS,
        },
      },
    };
  } finally {
    await runtime.driver.executeQuery('MATCH (n) WHERE n.tenant = $tenant DETACH DELETE n', { tenant }, { database: config.neo4j.database });
    // Clean-up of a throwaway prefix: a queue that cannot be obliterated leaves keys behind, not a wrong result.
    await Promise.all(Object.values(runtime.queues).map((q) => q.obliterate({ force: true }).catch(() => {})));
    const keys = await runtime.redis.keys(`${runtime.keyPrefix}:*`);
    for (let i = 0; i < keys.length; i += 500) await runtime.redis.del(...keys.slice(i, i + 500));
    await Promise.all(sites.map((s) => s.close()));
    await closeRuntime(runtime);
  }
}
