import neo4j, { type Driver } from 'neo4j-driver';
import { toLuceneQuery } from '../../ingest/sources/index.js';
import { AppError } from '../../src/errors.js';
import { cypher } from '../../src/graph/cypher-files.js';
import { runCypher } from '../../src/graph/driver.js';
import { parseJobId } from '../../src/queue/job-types.js';
import type { ClaimGroup } from './claims.js';
import type { Candidate, SourceKind, SourceNode } from './types.js';

/** Evidence as stored on the `(:Evidence)` node (text included, for resumes and the fulltext index). */
export interface StoredEvidence {
  id: string;
  url: string;
  title: string;
  quote: string;
  text: string;
  retrievedAt: string;
  publishedAt: string | null;
  contentHash: string;
  kind: SourceKind;
}

/** What the GraphQL `evidence` query returns. */
export interface EvidenceView {
  id: string;
  url: string;
  title: string;
  quote: string;
  retrievedAt: string;
  publishedAt: string | null;
  contentHash: string;
  kind: string;
  /** The first `(:Source)` (graph-found evidence keeps its original one); null only for orphans. */
  sourceId: string | null;
  source: SourceNode | null;
  sources: SourceNode[];
  score: number | null;
  rank: number | null;
  conflictsWith: string[];
}

export interface RankRecord {
  id: string;
  score: number;
  rank: number;
  selected: boolean;
  conflictsWith: string[];
}

type ViewRow = { evidence: Omit<EvidenceView, 'sourceId' | 'source' | 'sources' | 'score' | 'rank' | 'conflictsWith'>; sources: SourceNode[]; score: number | null; rank: number | null; conflictsWith: string[] };

const MAX_FIRST = 200;

/** The research agent's reads and writes in Neo4j; every statement is a file under cypher/research/. */
/** A claim as the API shows it: what it says, whether pages agree, and what each page says. */
export interface ClaimView {
  id: string;
  text: string;
  status: ClaimGroup['status'];
  supporters: number;
  support: Array<{ evidenceId: string; url: string; title: string; says: string; numbers: string }>;
}

export function createEvidenceStore(driver: Driver, database: string) {
  async function write(jobId: string, tenant: string, batch: readonly Candidate[]): Promise<void> {
    if (batch.length === 0) return;
    const items = batch.map((c) => ({
      id: c.item.id,
      linkSource: c.linkSource,
      source: c.sourceNode,
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
      driver, database, cypher('research/evidence-by-ids'), { tenant, ids }, 'READ');
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

  /** The claims the job's evidence makes (see claims.ts); each Claim's status counts every job's evidence. */
  async function writeClaims(jobId: string, tenant: string, claims: readonly ClaimGroup[]): Promise<void> {
    if (claims.length === 0) return;
    await runCypher(driver, database, cypher('research/merge-claims'), { jobId, tenant, claims });
  }

  /** By job (ranked), by keyword query (fulltext score), or both (the job's evidence matching the query). */
  async function list(args: { tenant: string; jobId?: string | null; query?: string | null; first?: number | null }): Promise<EvidenceView[]> {
    const first = args.first ?? 20;
    if (!Number.isInteger(first) || first < 1 || first > MAX_FIRST) {
      throw new AppError('BAD_INPUT', `\`first\` must be between 1 and ${MAX_FIRST}`, { via: 'research' });
    }
    const jobId = researchJobId(args.jobId);
    const query = args.query?.trim() ? toLuceneQuery(args.query) : null;
    if (args.query?.trim() && !query) throw new AppError('BAD_INPUT', '`query` has no words to search for', { via: 'research' });
    if (!jobId && !query) throw new AppError('BAD_INPUT', 'give `jobId`, `query` or both', { via: 'research' });
    const rows = query
      ? await runCypher<ViewRow>(driver, database, cypher('research/search-evidence'), {
          tenant: args.tenant, jobId, query, first: neo4j.int(first), scanLimit: neo4j.int(first * 20),
        }, 'READ')
      : await runCypher<ViewRow>(driver, database, cypher('research/list-job-evidence'), {
          tenant: args.tenant, jobId, first: neo4j.int(first),
        }, 'READ');
    return rows.map((r) => ({
      ...r.evidence,
      publishedAt: r.evidence.publishedAt ?? null,
      sourceId: r.sources[0]?.id ?? null,
      source: r.sources[0] ?? null,
      sources: r.sources,
      score: r.score,
      rank: r.rank,
      conflictsWith: r.conflictsWith ?? [],
    }));
  }

  /** The tenant's claims newest first, optionally those a job's evidence supports, or of one status. */
  async function listClaims(args: { tenant: string; jobId?: string | null; status?: ClaimGroup['status'] | null; first?: number | null }): Promise<ClaimView[]> {
    const first = args.first ?? 20;
    if (!Number.isInteger(first) || first < 1 || first > MAX_FIRST) {
      throw new AppError('BAD_INPUT', `\`first\` must be between 1 and ${MAX_FIRST}`, { via: 'research' });
    }
    const rows = await runCypher<{ claim: Omit<ClaimView, 'support'>; support: ClaimView['support'] }>(driver, database, cypher('research/list-claims'), {
      tenant: args.tenant, jobId: researchJobId(args.jobId), status: args.status ?? null, first: neo4j.int(first),
    }, 'READ');
    return rows.map((r) => ({ ...r.claim, supporters: Number(r.claim.supporters), support: r.support }));
  }

  return { write, loadByIds, setRanks, writeClaims, list, listClaims };
}

export type EvidenceStore = ReturnType<typeof createEvidenceStore>;

/** A `jobId` filter must name a research job: anything else is a caller's mistake, not an empty list (issue 9). */
function researchJobId(jobId: string | null | undefined): string | null {
  if (jobId === null || jobId === undefined) return null;
  if (parseJobId(jobId).area !== 'research') {
    throw new AppError('BAD_INPUT', `job ${jobId.slice(0, 80)} is not a research job`, { via: 'research' });
  }
  return jobId;
}
