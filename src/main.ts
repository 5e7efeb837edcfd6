import { closeConnections, migrateAll, openConnections, startApi } from './app.js';
import { BringUpError, describeStep, ensureServices } from './bringup/index.js';
import { ConfigError, loadConfig } from './config/index.js';
import { createLogger } from './observability/logger.js';

/** `npm start`: bring up what is missing, migrate, then serve the API (workers join as the areas land). */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel });
  const say = (line: string) => process.stdout.write(`${line}\n`);
  if (config.services.autostart) {
    for (const step of await ensureServices(config, say)) say(describeStep(step));
  }
  const connections = await openConnections(config);
  const migrated = await migrateAll(config, connections);
  say(`migrations: sql applied ${migrated.sql.applied.length}, already ${migrated.sql.alreadyApplied.length}; cypher ${migrated.graph.statements} statements`);
  const { server, url } = await startApi(config, logger, connections);
  say(`COGO ${url} — GraphQL ${url}/graphql, GraphiQL ${url}/graphiql/, ready ${url}/readyz`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: no new requests, draining');
    await server.close();
    await closeConnections(connections);
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof BringUpError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`COGO failed to start: ${(error as Error).stack ?? String(error)}\n`);
  }
  process.exit(1);
});
