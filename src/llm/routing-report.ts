import neo4j, { type Driver } from 'neo4j-driver';
import { TIERS, type Tier, type TierPrice } from '../config/llm.js';
import { cypher } from '../graph/cypher-files.js';
import { costOf } from './cost.js';

/** One stored `(:ModelCall)` as the report reads it (cypher/llm/routing-report.cypher). */
export interface ModelCallRow {
  jobId: string;
  seq: number;
  tier: string;
  /** `judge` = a grounding judge's call (paid, counted per tier, never the answer a question kept). */
  purpose: 'answer' | 'judge';
  ok: boolean;
  reason: string | null;
  escalatedFrom: string | null;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
  latencyMs: number;
}

export interface TierUsage {
  tier: string;
  calls: number;
  failed: number;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
  meanLatencyMs: number | null;
}

export interface RoutingReport {
  since: Date | null;
  /** Orchestrate jobs (questions) with at least one model call. */
  questions: number;
  calls: number;
  /** True when more calls matched than the report reads (the newest jobs' calls were counted). */
  truncated: boolean;
  tiers: TierUsage[];
  /** Share of questions whose answer needed more than its first tier. */
  escalationRate: number;
  escalations: number;
  /** Calls whose answer failed the grounding check (`reason: ungrounded`), and their share of all calls. */
  groundingFailures: number;
  groundingFailureRate: number;
  costUsd: number;
  /**
   * Each question answered once on `full` at today's price table, with the tokens of its last attempt (the answer
   * it kept): what routing saved against. An estimate: a full-tier answer may have been shorter or longer.
   */
  alwaysFullCostUsd: number;
  /** 1 − costUsd / alwaysFullCostUsd (0 with no calls). */
  savingShare: number;
  /** Per question: the sum of its calls' latencies (escalations included). */
  meanLatencyMs: number | null;
  p95LatencyMs: number | null;
  /** Mean latency of the calls made on `full`: what each question would have waited always-full; null with none. */
  alwaysFullMeanLatencyMs: number | null;
}

const mean = (values: number[]) => (values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length);
const p95 = (values: number[]) =>
  values.length === 0 ? null : [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil(values.length * 0.95) - 1)]!;

/** Adds up model calls (ordered by job, then seq) into the report. Pure: the numbers the test checks by hand. */
export function summarizeModelCalls(rows: ModelCallRow[], prices: Readonly<Record<Tier, TierPrice>>, since: Date | null, truncated = false): RoutingReport {
  const byJob = new Map<string, ModelCallRow[]>();
  for (const row of rows) byJob.set(row.jobId, [...(byJob.get(row.jobId) ?? []), row]);
  const tiers = TIERS.map((tier): TierUsage => {
    const calls = rows.filter((r) => r.tier === tier);
    return {
      tier,
      calls: calls.length,
      failed: calls.filter((c) => !c.ok).length,
      tokensIn: calls.reduce((s, c) => s + c.tokensIn, 0),
      tokensOut: calls.reduce((s, c) => s + c.tokensOut, 0),
      costUsd: calls.reduce((s, c) => s + c.costUsd, 0),
      meanLatencyMs: mean(calls.map((c) => c.latencyMs)),
    };
  });
  const jobs = [...byJob.values()].map((calls) => calls.sort((a, b) => a.seq - b.seq));
  const escalations = jobs.filter((calls) => calls.some((c) => c.escalatedFrom !== null)).length;
  const groundingFailures = rows.filter((r) => r.reason === 'ungrounded').length;
  const costUsd = rows.reduce((s, r) => s + r.costUsd, 0);
  const alwaysFullCostUsd = jobs.reduce((s, calls) => {
    const kept = calls.filter((c) => c.purpose !== 'judge').at(-1) ?? calls.at(-1)!;
    return s + costOf(prices, 'full', { inputTokens: kept.tokensIn, outputTokens: kept.tokensOut });
  }, 0);
  const latencies = jobs.map((calls) => calls.reduce((s, c) => s + c.latencyMs, 0));
  return {
    since,
    questions: jobs.length,
    calls: rows.length,
    truncated,
    tiers,
    escalationRate: jobs.length === 0 ? 0 : escalations / jobs.length,
    escalations,
    groundingFailures,
    groundingFailureRate: rows.length === 0 ? 0 : groundingFailures / rows.length,
    costUsd,
    alwaysFullCostUsd,
    savingShare: alwaysFullCostUsd === 0 ? 0 : 1 - costUsd / alwaysFullCostUsd,
    meanLatencyMs: mean(latencies),
    p95LatencyMs: p95(latencies),
    alwaysFullMeanLatencyMs: tiers.find((t) => t.tier === 'full')?.meanLatencyMs ?? null,
  };
}

export interface RoutingReportReader {
  report(tenant: string, since: Date | null): Promise<RoutingReport>;
}

/** Reads a tenant's `(:ModelCall)` nodes (at most `maxCalls`, newest jobs first) and adds them up. */
export function createRoutingReportReader(options: {
  driver: Driver;
  database: string;
  prices: Readonly<Record<Tier, TierPrice>>;
  maxCalls?: number;
}): RoutingReportReader {
  const { driver, database, prices, maxCalls = 100_000 } = options;
  return {
    async report(tenant, since) {
      const { records } = await driver.executeQuery(
        cypher('llm/routing-report'),
        { tenant, since: since?.toISOString() ?? null, limit: neo4j.int(maxCalls + 1) },
        { database, routing: 'READ' },
      );
      const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
      const rows = records.slice(0, maxCalls).map((r): ModelCallRow => ({
        jobId: String(r.get('jobId')),
        seq: num(r.get('seq')),
        tier: String(r.get('tier')),
        purpose: r.get('purpose') === 'judge' ? 'judge' : 'answer',
        ok: r.get('ok') === true,
        reason: (r.get('reason') as string | null) ?? null,
        escalatedFrom: (r.get('escalatedFrom') as string | null) ?? null,
        tokensIn: num(r.get('tokensIn')),
        tokensOut: num(r.get('tokensOut')),
        costUsd: num(r.get('costUsd')),
        latencyMs: num(r.get('latencyMs')),
      }));
      return summarizeModelCalls(rows, prices, since, records.length > maxCalls);
    },
  };
}
