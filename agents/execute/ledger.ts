import { createHash } from 'node:crypto';
import type { SqlClient } from '../../src/db/sql-client.js';
import { sqlQuery } from '../../src/vectors/sql-files.js';

export type StepStatus = 'started' | 'succeeded' | 'failed' | 'compensating' | 'compensated' | 'compensation_failed';

export interface LedgerRow {
  key: string;
  step: string;
  position: number;
  action: string;
  status: StepStatus;
  attempts: number;
  compensationAttempts: number;
  input: unknown;
  output: unknown;
  error: { code: string; message: string } | null;
}

/**
 * The ledger key of a step: the same for every attempt of the job, so that a re-run finds the step's row and an
 * outgoing call carries the same `Idempotency-Key` (a compensation carries `<key>:undo`).
 */
export function ledgerKey(jobId: string, step: string): string {
  return `cogo-exec-${createHash('sha256').update(`${jobId}\0${step}`).digest('hex').slice(0, 40)}`;
}

export const compensationKey = (key: string) => `${key}:undo`;

/** The action ledger in Postgres (sql/migrations/008): every step's run and compensation, with its output. */
export function createActionLedger(sql: Pick<SqlClient, 'query'>) {
  const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));
  const settled = async (name: string, params: unknown[]) => (await sql.query(sqlQuery(name), params)).rows.length > 0;
  return {
    async list(jobId: string): Promise<LedgerRow[]> {
      const { rows } = await sql.query(sqlQuery('execute/list-steps'), [jobId]);
      return rows.map((r) => ({
        key: r.key as string,
        step: r.step as string,
        position: Number(r.position),
        action: r.action as string,
        status: r.status as StepStatus,
        attempts: Number(r.attempts),
        compensationAttempts: Number(r.compensation_attempts),
        input: r.input,
        output: r.output,
        error: (r.error as LedgerRow['error']) ?? null,
      }));
    },
    /** False when the row is settled already (another run of the job got there first): the caller re-reads. */
    start: (row: { key: string; jobId: string; step: string; position: number; tenant: string; action: string; input: unknown }) =>
      settled('execute/start-step', [row.key, row.jobId, row.step, row.position, row.tenant, row.action, json(row.input)]),
    succeed: (key: string, output: unknown) => settled('execute/settle-step', [key, 'succeeded', json(output), null]),
    fail: (key: string, error: { code: string; message: string }) => settled('execute/settle-step', [key, 'failed', null, json(error)]),
    startCompensation: (key: string) => settled('execute/start-compensation', [key]),
    compensated: (key: string) => settled('execute/settle-compensation', [key, 'compensated', null]),
    compensationFailed: (key: string, error: { code: string; message: string }) =>
      settled('execute/settle-compensation', [key, 'compensation_failed', json(error)]),
  };
}

export type ActionLedger = ReturnType<typeof createActionLedger>;
