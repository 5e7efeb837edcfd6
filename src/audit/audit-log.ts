import { createBatchWriter, type BatchWriter } from '../db/batch-writer.js';
import type { SqlClient } from '../db/sql-client.js';
import { isAppError } from '../errors.js';
import type { Logger } from '../observability/logger.js';

/** One row of `audit_log` (sql/migrations/003): who asked for what, and whether it was done. */
export interface AuditEntry {
  tenant: string;
  principal: string;
  /** e.g. `enqueue.research`, `cancel`, `retry`, `requeue` */
  action: string;
  target: string | null;
  traceId: string | null;
  outcome: 'accepted' | 'refused';
  errorCode: string | null;
  details: Record<string, unknown>;
}

export type AuditLog = BatchWriter<AuditEntry & { ts: string }>;

/** Audit rows, batched into Postgres like the event log; a write failure is logged and never fails a request. */
export function createAuditLog(sql: SqlClient, logger: Logger): AuditLog {
  return createBatchWriter<AuditEntry & { ts: string }>(
    async (rows) => {
      await sql.query(
        `INSERT INTO audit_log (ts, tenant, principal, action, target, trace_id, outcome, error_code, details)
       SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::jsonb[])`,
        [
          rows.map((r) => r.ts),
          rows.map((r) => r.tenant),
          rows.map((r) => r.principal),
          rows.map((r) => r.action),
          rows.map((r) => r.target),
          rows.map((r) => r.traceId),
          rows.map((r) => r.outcome),
          rows.map((r) => r.errorCode),
          rows.map((r) => JSON.stringify(r.details)),
        ],
      );
    },
    logger,
    { what: 'audit rows to audit_log' },
  );
}

/**
 * Runs one mutation and records it: `accepted` with what `describe` makes of its result, or `refused` with the
 * error's code (then rethrows). Every mutation of the job API goes through here (DESIGN §7).
 */
export async function audited<T>(
  log: AuditLog,
  entry: Pick<AuditEntry, 'tenant' | 'principal' | 'action' | 'target' | 'traceId'>,
  run: () => Promise<T>,
  describe: (result: T) => { target?: string; details?: Record<string, unknown> } = () => ({}),
): Promise<T> {
  try {
    const result = await run();
    const { target, details } = describe(result);
    log.push({ ...entry, target: target ?? entry.target, outcome: 'accepted', errorCode: null, details: details ?? {}, ts: new Date().toISOString() });
    return result;
  } catch (error) {
    const errorCode = isAppError(error) ? error.code : 'INTERNAL';
    log.push({ ...entry, outcome: 'refused', errorCode, details: {}, ts: new Date().toISOString() });
    throw error;
  }
}
