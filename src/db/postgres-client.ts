import pg from 'pg';
import { AppError } from '../errors.js';
import type { SqlClient } from './sql-client.js';

export function createPostgresClient(url: string, options: { max?: number } = {}): SqlClient {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10 });
  // An idle client that loses its server must not crash the process; the next query reports the failure.
  pool.on('error', () => {});
  const wrap = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw mapPgError(error);
    }
  };
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
          await conn.query('ROLLBACK').catch(() => {});
          throw error;
        } finally {
          conn.release();
        }
      }),
    close: () => pool.end(),
  };
}

const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P03']);

/** The one place where Postgres failures become COGO errors. */
export function mapPgError(error: unknown): AppError | unknown {
  if (error instanceof AppError) return error;
  const code = (error as { code?: string }).code;
  if (code && CONNECTION_ERRORS.has(code)) {
    return new AppError('UPSTREAM_UNAVAILABLE', `Postgres is unavailable (${code}); check DATABASE_URL and that the server runs`, {
      via: 'postgres',
      cause: error,
    });
  }
  if (code === '22P02' || code === '23514' || code === '22001') {
    return new AppError('BAD_INPUT', (error as Error).message, { via: 'postgres', cause: error });
  }
  return error;
}
