import path from 'node:path';
import type { Config } from '../config/index.js';
import { createPostgresClient } from '../db/postgres-client.js';
import { PROJECT_ROOT } from '../paths.js';
import { BringUpError, type BringUpStep, type Progress } from './report.js';
import { commandExists, runCommand } from './run-command.js';

const PGVECTOR_FIX =
  'install pgvector into that server (Debian, as root: scripts/install-pgvector.sh), or use `docker compose up -d postgres`, or unset DATABASE_URL for the embedded PGlite';

/** DATABASE_URL: check the server answers and that `CREATE EXTENSION vector` works there. Unset: PGlite. */
export async function ensurePostgres(config: Config): Promise<BringUpStep> {
  const url = config.postgres.url;
  if (!url) {
    return { service: 'postgres', action: 'embedded', detail: `PGlite with pgvector in ${config.postgres.pgliteDir}` };
  }
  return { service: 'postgres', action: 'found', detail: await checkPgvector(url) };
}

export async function checkPgvector(url: string): Promise<string> {
  const sql = createPostgresClient(url, { max: 1 });
  const shown = redact(url);
  try {
    try {
      await sql.query('SELECT 1');
    } catch (error) {
      throw new BringUpError('postgres', 'connect', `${shown}: ${(error as Error).message}`, 'start that server or fix DATABASE_URL');
    }
    try {
      await sql.exec('CREATE EXTENSION IF NOT EXISTS vector');
    } catch (error) {
      throw new BringUpError('postgres', 'CREATE EXTENSION vector', `${shown}: ${(error as Error).message}`, PGVECTOR_FIX);
    }
    const { rows } = await sql.query<{ v: string }>(
      `SELECT current_setting('server_version') || ', pgvector ' || extversion AS v FROM pg_extension WHERE extname = 'vector'`,
    );
    return `Postgres ${rows[0]?.v ?? '?'} at ${shown}`;
  } finally {
    await sql.close();
  }
}

/**
 * The real Postgres the multi-process integration tests share: TEST_DATABASE_URL, else DATABASE_URL, else the
 * local server's `cogo_test` database, created (with pgvector) by scripts/pg-test-db.sh.
 */
export async function ensureTestPostgres(env: NodeJS.ProcessEnv, progress: Progress): Promise<{ url: string; step: BringUpStep }> {
  let url = env.TEST_DATABASE_URL || env.DATABASE_URL;
  if (!url) {
    const prepare = () => runCommand('bash', [path.join(PROJECT_ROOT, 'scripts', 'pg-test-db.sh')], { timeoutMs: 60_000 });
    let made = await prepare();
    // On Debian as root, the missing piece is usually pgvector itself: build it from Debian's source package.
    if (made.code !== 0 && /pgvector|vector/i.test(made.output) && process.getuid?.() === 0 && (await commandExists('apt-get'))) {
      progress("postgres: the local server has no pgvector; building it from Debian's source package (scripts/install-pgvector.sh)");
      const installed = await runCommand('bash', [path.join(PROJECT_ROOT, 'scripts', 'install-pgvector.sh')], { timeoutMs: 600_000 });
      if (installed.code !== 0) {
        throw new BringUpError(
          'postgres',
          'install pgvector',
          installed.output.trim().split('\n').slice(-8).join('\n'),
          'run scripts/install-pgvector.sh by hand to see why',
        );
      }
      made = await prepare();
    }
    const lastLine = made.output.trim().split('\n').at(-1) ?? '';
    if (made.code !== 0 || !lastLine.startsWith('postgres')) {
      throw new BringUpError(
        'postgres',
        'prepare the cogo_test database',
        made.output.trim().split('\n').slice(-5).join('\n'),
        `${PGVECTOR_FIX}; or set TEST_DATABASE_URL`,
      );
    }
    url = lastLine;
  }
  return { url, step: { service: 'postgres', action: 'found', detail: `${await checkPgvector(url)} (tests)` } };
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
