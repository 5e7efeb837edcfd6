import type { Driver } from 'neo4j-driver';
import { cypher } from '../../src/graph/cypher-files.js';
import type { Attempt } from '../../src/llm/index.js';

/** Stores every attempt as `(:ModelCall)` under its job; MERGE on `jobId:seq`, so a re-run changes nothing. */
export async function storeModelCalls(driver: Driver, database: string, job: { jobId: string; tenant: string }, attempts: Attempt[]): Promise<void> {
  if (attempts.length === 0) return;
  const calls = attempts.map((a, seq) => ({
    id: `${job.jobId}:${seq}`,
    seq,
    tier: a.tier,
    purpose: a.purpose ?? 'answer',
    model: a.model,
    ok: a.ok,
    reason: a.failure ?? null,
    detail: a.detail?.slice(0, 2000) ?? null,
    escalatedFrom: a.escalatedFrom ?? null,
    tokensIn: a.tokensIn,
    tokensOut: a.tokensOut,
    costUsd: a.costUsd,
    latencyMs: Math.round(a.latencyMs),
    retries: a.retries,
    provider: 'openai-compatible',
  }));
  await driver.executeQuery(cypher('llm/merge-model-calls'), { jobId: job.jobId, tenant: job.tenant, calls }, { database });
}
