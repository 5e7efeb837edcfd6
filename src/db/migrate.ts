import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../errors.js';
import type { SqlClient } from './sql-client.js';

export interface MigrationReport {
  applied: string[];
  alreadyApplied: string[];
}

/**
 * Applies `sql/migrations/*.sql` in name order, each in its own transaction, recording name and checksum in
 * `cogo_migrations`. A migration already applied is skipped; one whose file changed after it was applied is an
 * error, because silently diverging schemas are worse than a failed start.
 */
export async function migrateSql(sql: SqlClient, dir: string): Promise<MigrationReport> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const report: MigrationReport = { applied: [], alreadyApplied: [] };
  for (const file of files) {
    const text = await readFile(path.join(dir, file), 'utf8');
    const checksum = createHash('sha256').update(text).digest('hex');
    // One transaction per file under an advisory lock: API and workers may start at the same moment.
    const outcome = await sql.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
      await tx.exec(`CREATE TABLE IF NOT EXISTS cogo_migrations (
        name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
      const { rows } = await tx.query<{ checksum: string }>('SELECT checksum FROM cogo_migrations WHERE name = $1', [file]);
      const previous = rows[0]?.checksum;
      if (previous === checksum) return 'already' as const;
      if (previous) {
        throw new AppError('INTERNAL', `migration ${file} changed after it was applied; add a new migration file instead of editing it`, {
          via: 'postgres',
          retryable: false,
        });
      }
      await tx.exec(text);
      await tx.query('INSERT INTO cogo_migrations (name, checksum) VALUES ($1, $2)', [file, checksum]);
      return 'applied' as const;
    });
    (outcome === 'applied' ? report.applied : report.alreadyApplied).push(file);
  }
  return report;
}

/** Arbitrary but fixed key for pg_advisory_xact_lock. */
const MIGRATION_LOCK = 0x0c060;
