import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActionLedger, ledgerKey, type ActionLedger } from '../../agents/execute/index.js';
import { createPgliteClient } from '../../src/db/pglite-client.js';
import { createPostgresClient } from '../../src/db/postgres-client.js';
import { migrateSql } from '../../src/db/migrate.js';
import type { SqlClient } from '../../src/db/sql-client.js';
import { SQL_MIGRATIONS_DIR } from '../../src/runtime.js';
import { testDatabaseUrl } from './support/services.js';

/** The action ledger's contract, run against both SQL clients COGO ships (PGlite and Postgres). */
function ledgerContract(name: string, open: () => Promise<SqlClient>) {
  describe(`the action ledger on ${name}`, () => {
    let sql: SqlClient;
    let ledger: ActionLedger;
    const jobId = `execute-${randomUUID()}`;
    const row = (step: string, position: number) => ({
      key: ledgerKey(jobId, step),
      jobId,
      step,
      position,
      tenant: 't',
      action: 'http.request',
      input: { n: position },
    });

    beforeAll(async () => {
      sql = await open();
      await migrateSql(sql, SQL_MIGRATIONS_DIR);
      ledger = createActionLedger(sql);
    });
    afterAll(async () => {
      await sql.query('DELETE FROM action_ledger WHERE job_id = $1', [jobId]);
      await sql.close();
    });

    it('keys a step by (job, step) alone: the same on every attempt, another for another job or step', () => {
      expect(ledgerKey(jobId, 'a')).toBe(ledgerKey(jobId, 'a'));
      expect(ledgerKey(jobId, 'a')).not.toBe(ledgerKey(jobId, 'b'));
      expect(ledgerKey(`execute-${randomUUID()}`, 'a')).not.toBe(ledgerKey(jobId, 'a'));
    });

    it('counts the runs of an interrupted step, and never reopens a settled one', async () => {
      expect(await ledger.start(row('a', 0))).toBe(true);
      expect(await ledger.start(row('a', 0))).toBe(true);
      expect(await ledger.succeed(ledgerKey(jobId, 'a'), { id: 'x' })).toBe(true);
      expect(await ledger.start(row('a', 0))).toBe(false);
      expect(await ledger.fail(ledgerKey(jobId, 'a'), { code: 'BAD_INPUT', message: 'late' })).toBe(false);
      expect(await ledger.start(row('b', 1))).toBe(true);
      expect(await ledger.fail(ledgerKey(jobId, 'b'), { code: 'BAD_INPUT', message: 'no' })).toBe(true);
      const [a, b] = await ledger.list(jobId);
      expect(a).toMatchObject({ step: 'a', status: 'succeeded', attempts: 2, output: { id: 'x' }, input: { n: 0 } });
      expect(b).toMatchObject({ step: 'b', status: 'failed', attempts: 1, error: { code: 'BAD_INPUT', message: 'no' } });
    });

    it('records a compensation on the step it undoes, retried after a failure, and only of a succeeded step', async () => {
      const a = ledgerKey(jobId, 'a');
      expect(await ledger.startCompensation(ledgerKey(jobId, 'b'))).toBe(false);
      expect(await ledger.startCompensation(a)).toBe(true);
      expect(await ledger.compensationFailed(a, { code: 'UPSTREAM_UNAVAILABLE', message: 'down' })).toBe(true);
      expect(await ledger.startCompensation(a)).toBe(true);
      expect(await ledger.compensated(a)).toBe(true);
      expect(await ledger.startCompensation(a)).toBe(false);
      expect((await ledger.list(jobId))[0]).toMatchObject({ status: 'compensated', compensationAttempts: 2 });
    });
  });
}

ledgerContract('PGlite (the embedded default)', () => createPgliteClient(undefined));
ledgerContract('the real Postgres', async () => createPostgresClient(testDatabaseUrl()));
