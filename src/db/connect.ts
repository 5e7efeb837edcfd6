import type { Config } from '../config/index.js';
import { createThreadedPgliteClient } from './pglite-threaded-client.js';
import { createPostgresClient } from './postgres-client.js';
import type { SqlClient } from './sql-client.js';

/**
 * DATABASE_URL set = that server; unset = the embedded PGlite database under the data folder, on a thread of its
 * own (its queries run as WASM on the calling thread and would hold the event loop).
 */
export async function connectSql(config: Pick<Config, 'postgres'>): Promise<SqlClient> {
  return config.postgres.url ? createPostgresClient(config.postgres.url) : createThreadedPgliteClient(config.postgres.pgliteDir);
}
