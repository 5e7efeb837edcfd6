import pg from 'pg';
import { withPgErrors } from './pg-errors.js';
import type { SqlClient } from './sql-client.js';

export function createPostgresClient(url: string, options: { max?: number } = {}): SqlClient {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10 });
  // An idle client that loses its server must not crash the process; the next query reports the failure.
  pool.on('error', () => {});
  const wrap = withPgErrors;
  return {
    kind: 'postgres',
    query: (text, params) => wrap(async () => ({ rows: (await pool.query(text, params)).rows })),
    exec: (text) => wrap(async () => void (await pool.query(text))),
    transaction: (work) =>
      wrap(async () => {
        const conn = await pool.connect();
        try {
          await conn.query('BEGIN');
          const result = await work({
            query: async (text, params) => ({ rows: (await conn.query(text, params)).rows }),
            exec: async (text) => void (await conn.query(text)),
          });
          await conn.query('COMMIT');
          return result;
        } catch (error) {
          // A failed ROLLBACK means the connection broke; the server rolls back itself, and `error` is what matters.
          await conn.query('ROLLBACK').catch(() => {});
          throw error;
        } finally {
          conn.release();
        }
      }),
    close: () => pool.end(),
  };
}
