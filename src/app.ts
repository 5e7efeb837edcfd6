import { Redis } from 'ioredis';
import type { Config } from './config/index.js';
import { connectSql } from './db/connect.js';
import { migrateSql } from './db/migrate.js';
import type { SqlClient } from './db/sql-client.js';
import { createGraphDriver, type Driver } from './graph/driver.js';
import { migrateGraph } from './graph/migrate.js';
import type { Logger } from './observability/logger.js';
import { PROJECT_ROOT } from './paths.js';
import type { Services } from './server/context.js';
import { buildSchema } from './server/graphql-schema.js';
import { createHttpServer, type HttpServer } from './server/http-server.js';
import { createReadinessCheck } from './server/readiness.js';
import { VERSION } from './version.js';
import path from 'node:path';

export const SQL_MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'sql', 'migrations');

/** The connections every part of COGO shares; made once per process. */
export interface Connections {
  redis: Redis;
  driver: Driver;
  sql: SqlClient;
}

export async function openConnections(config: Config): Promise<Connections> {
  const redis = new Redis(config.redis.url, { maxRetriesPerRequest: null, enableReadyCheck: true });
  redis.on('error', () => {}); // reconnects on its own; readiness reports the outage
  const driver = createGraphDriver(config.neo4j);
  const sql = await connectSql(config);
  return { redis, driver, sql };
}

export async function closeConnections(c: Connections): Promise<void> {
  await Promise.allSettled([c.sql.close(), c.driver.close(), c.redis.quit()]);
}

/** Applies the SQL and Cypher migrations; both are idempotent. */
export async function migrateAll(config: Config, c: Connections) {
  const [sql, graph] = await Promise.all([migrateSql(c.sql, SQL_MIGRATIONS_DIR), migrateGraph(c.driver, config.neo4j.database)]);
  return { sql, graph };
}

/** The composition root: the one place that constructs COGO's services and wires them together. */
export async function startApi(config: Config, logger: Logger, connections: Connections): Promise<{ server: HttpServer; url: string }> {
  const services: Services = {
    readiness: createReadinessCheck({ ...connections, neo4jDatabase: config.neo4j.database }),
    version: VERSION,
    startedAt: Date.now(),
  };
  const server = await createHttpServer({ config, logger, schema: buildSchema(), services });
  const url = await server.listen();
  return { server, url };
}
