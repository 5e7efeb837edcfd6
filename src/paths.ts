import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout's root folder: schema/, cypher/, sql/, services/ and dist/ are found relative to it. */
export const PROJECT_ROOT = fileURLToPath(new URL('../', import.meta.url));

/** The SQL migrations every process applies before it serves (`migrateSql`). */
export const SQL_MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'sql', 'migrations');
