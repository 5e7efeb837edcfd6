import { startApi, startWorkers } from './app.js';
import { BringUpError, describeStep, ensureServices } from './bringup/index.js';
import { ConfigError, loadConfig } from './config/index.js';
import { createLogger } from './observability/logger.js';
import { closeRuntime, createRuntime, migrateAll } from './runtime.js';
import { onShutdownSignal } from './shutdown.js';
import { warnAboutStartup } from './startup-warnings.js';

/** `npm start`: bring up what is missing, migrate, then serve the API and run every agent's worker. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel });
  warnAboutStartup(logger, config.indexing);
  const say = (line: string) => process.stdout.write(`${line}\n`);
  if (config.services.autostart) {
    for (const step of await ensureServices(config, say)) say(describeStep(step));
  }
  const runtime = await createRuntime(config, logger);
  const migrated = await migrateAll(runtime);
  say(`migrations: sql applied ${migrated.sql.applied.length}, already ${migrated.sql.alreadyApplied.length}; cypher ${migrated.graph.statements} statements`);
  const workers = await startWorkers(runtime);
  const { server, url } = await startApi(runtime);
  say(`workers: ${workers.workers.length} queues on ${workers.workerId}`);
  say(`COGO ${url} — GraphQL ${url}/graphql, GraphiQL ${url}/graphiql/, ready ${url}/readyz`);
  say(
    config.auth.devAnonymous
      ? 'auth: anonymous development mode (loopback only): requests without a credential act as tenant "default" with every scope; COGO_DEV_ANONYMOUS=false requires API keys'
      : 'auth: every request needs `Authorization: Bearer <API key or JWT>` (npx cogo keys create --tenant … --scopes …)',
  );
  onShutdownSignal(logger, async () => {
    await server.close();
    await workers.close();
    await closeRuntime(runtime);
  });
}

main().catch((error: unknown) => {
  const known = error instanceof ConfigError || error instanceof BringUpError;
  process.stderr.write(known ? `${(error as Error).message}\n` : `COGO failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
