import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { withPgErrors } from './pg-errors.js';
import type { SqlClient } from './sql-client.js';

/**
 * The embedded default: real Postgres (WASM) with pgvector, in a data folder, for a single process.
 * `dataDir` undefined keeps everything in memory (used by unit-level contract tests).
 */
export async function createPgliteClient(dataDir: string | undefined): Promise<SqlClient> {
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create({ ...(dataDir ? { dataDir } : {}), extensions: { vector } });
  // Mapped like pg's (same SQLSTATE codes): callers cannot tell which client they hold, errors included.
  const query: SqlClient['query'] = (text, params) => withPgErrors(async () => ({ rows: (await db.query(text, params)).rows as never[] }));
  const exec: SqlClient['exec'] = (text) => withPgErrors(async () => void (await db.exec(text)));
  return {
    kind: 'pglite',
    query,
    exec,
    transaction: (work) =>
      withPgErrors(() =>
        db.transaction((tx) =>
          work({
            query: async (text, params) => ({ rows: (await tx.query(text, params)).rows as never[] }),
            exec: async (text) => void (await tx.exec(text)),
          }),
        ),
      ),
    close: () => db.close(),
  };
}
