import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { closeConnections, migrateAll, openConnections } from '../app.js';
import { BringUpError, describeStep, ensureServices, ensureTestPostgres, stopNeo4jLauncher } from '../bringup/index.js';
import { ConfigError, loadConfig } from '../config/index.js';

const say = (line: string) => process.stdout.write(`${line}\n`);

const program = new Command('cogo').description('COGO: graph-first GraphRAG service and agent runtime');

program
  .command('services')
  .description('bring up Redis, Neo4j and Postgres+pgvector where missing (idempotent)')
  .option('--for-tests', 'also prepare the real Postgres the integration tests share, and record it for them')
  .option('--stop', 'stop the Neo4j launcher this checkout started')
  .action(async (options: { forTests?: boolean; stop?: boolean }) => {
    const config = loadConfig();
    if (options.stop) {
      say((await stopNeo4jLauncher(config)) ? 'neo4j    stopped' : 'neo4j    no launcher running from this checkout');
      return;
    }
    for (const step of await ensureServices(config, say)) say(describeStep(step));
    if (options.forTests) {
      const { url, step } = await ensureTestPostgres(process.env);
      say(describeStep(step));
      await mkdir(config.dataDir, { recursive: true });
      await writeFile(path.join(config.dataDir, 'test-services.json'), JSON.stringify({ databaseUrl: url }, null, 2));
    }
  });

program
  .command('migrate')
  .description('apply the SQL and Cypher migrations (idempotent)')
  .action(async () => {
    const config = loadConfig();
    const connections = await openConnections(config);
    try {
      const { sql, graph } = await migrateAll(config, connections);
      say(`sql: applied ${sql.applied.join(', ') || 'nothing'}; already applied ${sql.alreadyApplied.length}`);
      say(`cypher: ${graph.statements} idempotent statements run`);
    } finally {
      await closeConnections(connections);
    }
  });

program.parseAsync().catch((error: unknown) => {
  const known = error instanceof ConfigError || error instanceof BringUpError;
  process.stderr.write(`${known ? (error as Error).message : ((error as Error).stack ?? String(error))}\n`);
  process.exit(1);
});
