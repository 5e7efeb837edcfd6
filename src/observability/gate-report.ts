import type { SqlClient } from '../db/sql-client.js';
import { sqlQuery } from '../vectors/sql-files.js';

/** The plan's gates (DESIGN: E2E success ≥ 95 %, P95 ≤ 5 s, error rate < 1 %, duplicates 0, recovery < 10 s, evidence mismatch ≤ 5 %). */
export const GATES = [
  { name: 'e2eSuccess', label: 'E2E success', unit: 'ratio', limit: 0.95, pass: (v: number) => v >= 0.95 },
  { name: 'p95Latency', label: 'P95 enqueue→done', unit: 'ms', limit: 5000, pass: (v: number) => v <= 5000 },
  { name: 'errorRate', label: 'error rate', unit: 'ratio', limit: 0.01, pass: (v: number) => v < 0.01 },
  { name: 'duplicateExecutions', label: 'duplicate executions', unit: 'count', limit: 0, pass: (v: number) => v === 0 },
  { name: 'timeToRecover', label: 'time to recover (P95)', unit: 'ms', limit: 10_000, pass: (v: number) => v < 10_000 },
  { name: 'evidenceMismatch', label: 'evidence mismatch', unit: 'ratio', limit: 0.05, pass: (v: number) => v <= 0.05 },
] as const;

export type GateName = (typeof GATES)[number]['name'];

interface BucketRow extends Record<string, unknown> {
  /** Null: the whole window. */
  bucket: number | null;
  jobs: number;
  succeeded: number;
  failed: number;
  p95_ms: number | null;
  duplicate_executions: number;
  recover_p95_ms: number | null;
  /** Orchestrate answers whose `llm.done` says how many cited sentences the grounding checker rejected. */
  answers: number;
  mismatched_answers: number;
}

const EMPTY: BucketRow = {
  bucket: null,
  jobs: 0,
  succeeded: 0,
  failed: 0,
  p95_ms: null,
  duplicate_executions: 0,
  recover_p95_ms: null,
  answers: 0,
  mismatched_answers: 0,
};

export interface GateBucket {
  start: string;
  jobs: number;
  /** Null where the bucket has nothing to measure (no finished job, no recovery). */
  values: Record<GateName, number | null>;
}

export interface GateReport {
  since: string;
  until: string;
  /** Each gate over the whole window: its value, and whether it passes (null: no data to judge). */
  gates: { name: GateName; label: string; unit: string; limit: number; value: number | null; ok: boolean | null }[];
  buckets: GateBucket[];
}

const valuesOf = (row: BucketRow): Record<GateName, number | null> => {
  const finished = Number(row.succeeded) + Number(row.failed);
  return {
    e2eSuccess: finished > 0 ? Number(row.succeeded) / finished : null,
    p95Latency: row.p95_ms === null ? null : Number(row.p95_ms),
    errorRate: finished > 0 ? Number(row.failed) / finished : null,
    duplicateExecutions: Number(row.jobs) > 0 ? Number(row.duplicate_executions) : null,
    timeToRecover: row.recover_p95_ms === null ? null : Number(row.recover_p95_ms),
    // Issue 10's figure: the share of answers with an unsupported citation.
    evidenceMismatch: Number(row.answers) > 0 ? Number(row.mismatched_answers) / Number(row.answers) : null,
  };
};

/** The gates from Postgres `bus_events` over a window, and in equal buckets for charts (one query). */
export function createGateReportReader(sql: SqlClient) {
  return {
    async report(options: { hours: number; buckets: number; until?: Date }): Promise<GateReport> {
      const until = options.until ?? new Date();
      const since = new Date(until.getTime() - options.hours * 3600_000);
      const seconds = (options.hours * 3600) / options.buckets;
      const { rows } = await sql.query<BucketRow>(sqlQuery('dashboard/gate-buckets'), [since.toISOString(), until.toISOString(), seconds]);
      const overall = valuesOf(rows.find((r) => r.bucket === null) ?? EMPTY);
      const byBucket = new Map(rows.filter((r) => r.bucket !== null).map((r) => [Number(r.bucket), r]));
      return {
        since: since.toISOString(),
        until: until.toISOString(),
        gates: GATES.map((gate) => {
          const value = overall[gate.name];
          return { name: gate.name, label: gate.label, unit: gate.unit, limit: gate.limit, value, ok: value === null ? null : gate.pass(value) };
        }),
        buckets: Array.from({ length: options.buckets }, (_, i) => {
          const row = byBucket.get(i) ?? EMPTY;
          return { start: new Date(since.getTime() + i * seconds * 1000).toISOString(), jobs: Number(row.jobs), values: valuesOf(row) };
        }),
      };
    },
  };
}

export type GateReportReader = ReturnType<typeof createGateReportReader>;
