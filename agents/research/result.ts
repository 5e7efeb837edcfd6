import type { FetchRecord } from './checkpoint.js';
import type { ClaimGroup } from './claims.js';
import type { Freshness } from './rank.js';
import type { SourceStats } from './stats.js';
import type { Conflict, EvidenceItem, Failure } from './types.js';

const MAX_FAILURES_REPORTED = 100;

export interface ResultInput {
  question: string;
  maxItems: number;
  freshness: Freshness;
  queries: Record<string, string[]>;
  planned: number;
  resumed: number;
  /** Every item the job kept, ranked; `evidence` is its first `maxItems`. */
  kept: EvidenceItem[];
  /** What each fetch became (the checkpoint's record, resumed attempts included): merges are counted here. */
  fetched: FetchRecord[];
  written: { batches: number; stored: number };
  evidence: EvidenceItem[];
  conflicts: Conflict[];
  /** Statements at least two pages make, and whether their numbers agree. */
  claims: ClaimGroup[];
  failures: Failure[];
  sources: Record<string, SourceStats>;
  durationMs: number;
}

/**
 * The job's result and the data of `research.done`: the ranked evidence (at most `maxItems`), conflicts,
 * what failed and why (error codes, never credentials), per-source stats and totals.
 */
export function summarize(input: ResultInput): Record<string, unknown> {
  // Every merged fetch counts, also when two of them land on one note (two routes to one URL).
  const duplicates = { url: 0, exact: 0, near: 0 };
  for (const record of input.fetched) if ('duplicateOf' in record) duplicates[record.note.kind]++;
  const shown = new Set(input.evidence.map((e) => e.id));
  return {
    question: input.question,
    maxItems: input.maxItems,
    freshness: input.freshness,
    evidence: input.evidence,
    conflicts: input.conflicts.filter((c) => c.ids.some((id) => shown.has(id))),
    claims: input.claims.map((c) => ({ id: c.id, text: c.text, status: c.status, evidenceIds: c.supports.map((s) => s.evidenceId) })),
    failures: input.failures.slice(0, MAX_FAILURES_REPORTED),
    stats: {
      sources: input.sources,
      totals: {
        planned: input.planned,
        kept: input.kept.length,
        returned: input.evidence.length,
        stored: input.written.stored,
        batches: input.written.batches,
        resumed: input.resumed,
        duplicates,
        failed: input.failures.filter((f) => !f.refused).length,
        refused: input.failures.filter((f) => f.refused).length,
      },
      durationMs: input.durationMs,
    },
    plan: { queries: input.queries },
  };
}
