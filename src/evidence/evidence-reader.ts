import neo4j, { type Driver } from 'neo4j-driver';
import { parseJobId } from '../queue/job-types.js';
import { AppError } from '../errors.js';
import { cypher } from '../graph/cypher-files.js';
import { runCypher } from '../graph/driver.js';
import { toLuceneQuery } from '../graph/lucene-query.js';
import type { ClaimStatus, ClaimView, EvidenceView, SourceNode } from './types.js';

type ViewRow = {
  evidence: Omit<EvidenceView, 'sourceId' | 'source' | 'sources' | 'score' | 'rank' | 'conflictsWith'>;
  sources: SourceNode[];
  score: number | null;
  rank: number | null;
  conflictsWith: string[];
};

const MAX_FIRST = 200;

/** The API's reads of research results (the `evidence` and `claims` queries); the research agent writes them. */
export interface EvidenceReader {
  list(args: { tenant: string; jobId?: string | null; query?: string | null; first?: number | null }): Promise<EvidenceView[]>;
  listClaims(args: { tenant: string; jobId?: string | null; status?: ClaimStatus | null; first?: number | null }): Promise<ClaimView[]>;
}

/** Every statement is a file under cypher/research/; every read is scoped to the caller's tenant. */
export function createEvidenceReader(driver: Driver, database: string): EvidenceReader {
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
      ? await runCypher<ViewRow>(
          driver,
          database,
          cypher('research/search-evidence'),
          {
            tenant: args.tenant,
            jobId,
            query,
            first: neo4j.int(first),
            scanLimit: neo4j.int(first * 20),
          },
          'READ',
        )
      : await runCypher<ViewRow>(
          driver,
          database,
          cypher('research/list-job-evidence'),
          {
            tenant: args.tenant,
            jobId,
            first: neo4j.int(first),
          },
          'READ',
        );
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
  async function listClaims(args: { tenant: string; jobId?: string | null; status?: ClaimStatus | null; first?: number | null }): Promise<ClaimView[]> {
    const first = args.first ?? 20;
    if (!Number.isInteger(first) || first < 1 || first > MAX_FIRST) {
      throw new AppError('BAD_INPUT', `\`first\` must be between 1 and ${MAX_FIRST}`, { via: 'research' });
    }
    const rows = await runCypher<{ claim: Omit<ClaimView, 'support'>; support: ClaimView['support'] }>(
      driver,
      database,
      cypher('research/list-claims'),
      {
        tenant: args.tenant,
        jobId: researchJobId(args.jobId),
        status: args.status ?? null,
        first: neo4j.int(first),
      },
      'READ',
    );
    return rows.map((r) => ({ ...r.claim, supporters: Number(r.claim.supporters), support: r.support }));
  }

  return { list, listClaims };
}

/** A `jobId` filter must name a research job: anything else is a caller's mistake, not an empty list (issue 9). */
function researchJobId(jobId: string | null | undefined): string | null {
  if (jobId === null || jobId === undefined) return null;
  if (parseJobId(jobId).area !== 'research') {
    throw new AppError('BAD_INPUT', `job ${jobId.slice(0, 80)} is not a research job`, { via: 'research' });
  }
  return jobId;
}
