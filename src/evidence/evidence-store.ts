import neo4j, { type Driver } from 'neo4j-driver';
import { AppError } from '../errors.js';
import { cypher } from '../graph/cypher-files.js';
import { runCypher } from '../graph/driver.js';
import type { ClaimToStore, EvidenceToStore, RankRecord, SourceNode, StoredEvidence } from './types.js';

/**
 * The research agent's writes to Neo4j, and its reads for resuming; every statement is a file under
 * cypher/research/. Built once by the composition root; the API reads through `evidence-reader.ts`.
 */
export function createEvidenceStore(driver: Driver, database: string) {
  async function write(jobId: string, tenant: string, batch: readonly EvidenceToStore[]): Promise<void> {
    if (batch.length === 0) return;
    const items = batch.map((c) => ({
      id: c.item.id,
      linkSource: c.linkSource,
      source: c.sourceNode,
      cites: c.cites ?? null,
      props: {
        contentHash: c.item.contentHash,
        url: c.item.url,
        title: c.item.title,
        quote: c.item.quote,
        text: c.text,
        retrievedAt: c.item.retrievedAt,
        publishedAt: c.item.publishedAt ?? null,
        kind: c.item.kind,
      },
    }));
    const [row] = await runCypher<{ written: number }>(driver, database, cypher('research/merge-evidence'), { jobId, tenant, items });
    if (!row || row.written !== items.length) {
      throw new AppError('NOT_FOUND', `job ${jobId} has no graph record to attach evidence to`, { via: 'research', retryable: false });
    }
  }

  async function loadByIds(tenant: string, ids: readonly string[]): Promise<Array<StoredEvidence & { sources: SourceNode[] }>> {
    if (ids.length === 0) return [];
    const rows = await runCypher<{ evidence: StoredEvidence; sources: SourceNode[] }>(
      driver,
      database,
      cypher('research/evidence-by-ids'),
      { tenant, ids },
      'READ',
    );
    return rows.map((r) => ({ ...r.evidence, sources: r.sources }));
  }

  async function setRanks(jobId: string, tenant: string, ranks: readonly RankRecord[]): Promise<void> {
    if (ranks.length === 0) return;
    await runCypher(driver, database, cypher('research/rank-evidence'), {
      jobId,
      tenant,
      ranks: ranks.map((r) => ({ ...r, rank: neo4j.int(r.rank) })),
    });
  }

  /** The claims the job's evidence makes (agents/research/claims.ts); each Claim's status counts every job's evidence. */
  async function writeClaims(jobId: string, tenant: string, claims: readonly ClaimToStore[]): Promise<void> {
    if (claims.length === 0) return;
    await runCypher(driver, database, cypher('research/merge-claims'), { jobId, tenant, claims });
  }

  return { write, loadByIds, setRanks, writeClaims };
}

export type EvidenceStore = ReturnType<typeof createEvidenceStore>;
