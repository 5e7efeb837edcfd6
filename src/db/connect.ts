import type { Config } from '../config/index.js';
import { createPgliteClient } from './pglite-client.js';
import { createPostgresClient } from './postgres-client.js';
import type { SqlClient } from './sql-client.js';

/** DATABASE_URL set = that server; unset = the embedded PGlite database under the data folder. */
export async function connectSql(config: Pick<Config, 'postgres'>): Promise<SqlClient> {
  return config.postgres.url
    ? createPostgresClient(config.postgres.url)
    : createPgliteClient(config.postgres.pgliteDir);
}
