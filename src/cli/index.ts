import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { BringUpError } from '../bringup/report.js';
import { ConfigError, loadConfig } from '../config/index.js';
import { isAppError } from '../errors.js';
import { JOB_AREAS, type JobArea } from '../queue/job-types.js';
import { onShutdownSignal } from '../shutdown.js';
import { VERSION } from '../version.js';
import { registerAskCommand } from './ask-command.js';
import { registerArtifactsCommand } from './artifacts-command.js';
import { registerIndexCommand } from './index-command.js';
import { registerJobsCommands } from './jobs-command.js';
import { registerKeysCommand } from './keys-command.js';
import { registerResearchCommand } from './research-command.js';
import { registerRouteCommand } from './route-command.js';
import { registerSearchCommand } from './search-command.js';
import { warnAboutStartup } from '../startup-warnings.js';

const say = (line: string) => process.stdout.write(`${line}\n`);

// The runtime, the agents and the bring-up load inside the commands that use them (seconds of module loading):
// a client command (`cogo jobs ls`, `cogo index`, `cogo ask`) only needs the API client.
const loadBringUp = () => import('../bringup/index.js');
const loadRuntime = () => import('../runtime.js');
const loadLogger = () => import('../observability/logger.js');

const program = new Command('cogo').description('COGO: graph-first GraphRAG service and agent runtime').version(VERSION, '-V, --version', 'print the version');

program
  .command('services')
  .description('bring up Redis, Neo4j and Postgres+pgvector where missing (idempotent)')
  .option('--for-tests', 'also prepare the real Postgres and the S3Proxy the integration tests share, and record them for them')
  .option('--stop', 'stop the Neo4j launcher and S3Proxy this checkout started')
  .action(async (options: { forTests?: boolean; stop?: boolean }) => {
    const config = loadConfig();
    const { describeStep, ensureS3Proxy, ensureServices, ensureTestPostgres, stopNeo4jLauncher, stopS3Proxies, TEST_S3 } = await loadBringUp();
    if (options.stop) {
      say((await stopNeo4jLauncher(config)) ? 'neo4j    stopped' : 'neo4j    no launcher running from this checkout');
      say(`s3proxy  ${await stopS3Proxies(config.dataDir)} stopped`);
      return;
    }
    // The tests' S3Proxy starts alongside the others: a JVM start-up is the slow part of both it and Neo4j.
    const testS3 = options.forTests ? ensureS3Proxy(TEST_S3, config.dataDir, config.services.timeoutMs, say) : undefined;
    testS3?.catch(() => {}); // awaited below; not an unhandled rejection while the others start
    for (const step of await ensureServices(config, say)) say(describeStep(step));
    if (testS3) {
      say(describeStep(await testS3));
      const { url, step } = await ensureTestPostgres(process.env, say);
      say(describeStep(step));
      await mkdir(config.dataDir, { recursive: true });
      await writeFile(path.join(config.dataDir, 'test-services.json'), JSON.stringify({ databaseUrl: url, s3: TEST_S3 }, null, 2));
    }
  });

program
  .command('migrate')
  .description('apply the SQL and Cypher migrations (idempotent)')
  .action(async () => {
    const config = loadConfig();
    const [{ closeRuntime, createRuntime, migrateAll }, { createLogger }] = await Promise.all([loadRuntime(), loadLogger()]);
    const runtime = await createRuntime(config, createLogger({ level: 'warn' }));
    try {
      const { sql, graph } = await migrateAll(runtime);
      say(`sql: applied ${sql.applied.join(', ') || 'nothing'}; already applied ${sql.alreadyApplied.length}`);
      say(`cypher: ${graph.statements} idempotent statements run`);
    } finally {
      await closeRuntime(runtime);
    }
  });

program
  .command('worker')
  .description('run agent workers only (scale-out); the API runs elsewhere')
  .option('--queues <list>', `comma-separated queues (${JOB_AREAS.join(', ')}); default: every queue with an agent`)
  .option('--metrics-port <port>', "serve this process's Prometheus metrics on 127.0.0.1:<port>/metrics (0: any free port)")
  .action(async (options: { queues?: string; metricsPort?: string }) => {
    const areas = options.queues
      ?.split(',')
      .map((q) => q.trim())
      .filter(Boolean);
    const unknown = areas?.filter((a) => !(JOB_AREAS as readonly string[]).includes(a)) ?? [];
    if (unknown.length) throw new ConfigError([`--queues: unknown queue ${unknown.join(', ')}; expected some of ${JOB_AREAS.join(', ')}`]);
    const config = loadConfig();
    const [{ closeRuntime, createRuntime, migrateAll }, { createLogger }, { startWorkers }, { startMetricsServer }] = await Promise.all([
      loadRuntime(),
      loadLogger(),
      import('../app.js'),
      import('../observability/metrics-server.js'),
    ]);
    const logger = createLogger({ level: config.logLevel });
    warnAboutStartup(logger, config.indexing);
    const runtime = await createRuntime(config, logger);
    await migrateAll(runtime);
    const host = await startWorkers(runtime, areas as JobArea[] | undefined);
    say(`worker ${host.workerId} on ${host.workers.map((w) => w.name).join(', ') || 'no queue (no agent matches)'}`);
    const metricsServer = options.metricsPort === undefined ? undefined : await startMetricsServer(runtime.metrics, Number(options.metricsPort));
    if (metricsServer) say(`metrics ${metricsServer.url}`);
    onShutdownSignal(logger, async () => {
      await metricsServer?.close();
      await host.close();
      await closeRuntime(runtime);
    });
  });

registerIndexCommand(program);
registerKeysCommand(program);
registerArtifactsCommand(program);
registerSearchCommand(program);
registerRouteCommand(program);
registerAskCommand(program);
registerResearchCommand(program);
registerJobsCommands(program);

program.parseAsync().catch((error: unknown) => {
  const known = error instanceof ConfigError || error instanceof BringUpError || isAppError(error);
  process.stderr.write(`${known ? (error as Error).message : ((error as Error).stack ?? String(error))}\n`);
  process.exit(1);
});
