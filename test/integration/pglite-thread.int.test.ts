import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRowDataError } from '../../src/db/batch-writer.js';
import { mapPgError } from '../../src/db/pg-errors.js';
import { createThreadedPgliteClient } from '../../src/db/pglite-threaded-client.js';
import type { SqlClient } from '../../src/db/sql-client.js';
import { AppError } from '../../src/errors.js';

describe('the embedded PGlite database on its own thread', () => {
  let sql: SqlClient;
  beforeAll(async () => {
    sql = await createThreadedPgliteClient(undefined);
    await sql.exec('CREATE EXTENSION IF NOT EXISTS vector; CREATE TABLE t (id text PRIMARY KEY, n int CHECK (n >= 0), doc jsonb, at timestamptz, v vector(3))');
  });
  afterAll(() => sql?.close());

  it('carries parameters and rows across the thread with their types', async () => {
    const at = new Date('2026-01-02T03:04:05.000Z');
    await sql.query('INSERT INTO t (id, n, doc, at, v) VALUES ($1, $2, $3, $4, $5)', ['a', 7, JSON.stringify({ k: [1, 'x'] }), at, '[1,2,3]']);
    const { rows } = await sql.query<{ id: string; n: number; doc: unknown; at: Date; v: string }>('SELECT * FROM t WHERE id = $1', ['a']);
    expect(rows).toEqual([{ id: 'a', n: 7, doc: { k: [1, 'x'] }, at, v: '[1,2,3]' }]);
  });

  it('commits a transaction, and rolls back one whose work throws', async () => {
    const kept = await sql.transaction(async (tx) => {
      await tx.query("INSERT INTO t (id, n) VALUES ('b', 1)");
      return (await tx.query<{ c: number }>('SELECT count(*)::int AS c FROM t')).rows[0]!.c;
    });
    expect(kept).toBe(2);
    await expect(
      sql.transaction(async (tx) => {
        await tx.query("INSERT INTO t (id, n) VALUES ('c', 1)");
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect((await sql.query("SELECT id FROM t WHERE id = 'c'")).rows).toEqual([]);
  });

  it('maps database errors as the pg client does, keeping the SQLSTATE as the cause', async () => {
    const failure = await sql.query("INSERT INTO t (id, n) VALUES ('d', -1)").catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AppError);
    expect((failure as AppError).code).toBe('BAD_INPUT');
    expect(((failure as AppError).cause as { code: string }).code).toBe('23514');
    expect(isRowDataError(failure)).toBe(true);
    expect(mapPgError(failure)).toBe(failure);
  });

  it('leaves the event loop free while a long query runs', async () => {
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 10);
    const started = performance.now();
    await sql.query('SELECT count(*) FROM generate_series(1, 4000000)');
    const tookMs = performance.now() - started;
    clearInterval(timer);
    // On the calling thread the query would hold the loop throughout and no tick would run until it ended.
    expect(tookMs).toBeGreaterThan(200);
    expect(ticks).toBeGreaterThan(tookMs / 10 / 4);
  });
});
