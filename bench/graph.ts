/**
 * Knowledge graph API benchmark (issue 13): latency of the generated API's nested read — a job, its 50 evidence
 * items by rank, each with its sources (3 levels) — against the same data read by one hand-written Cypher query,
 * in the same run on the same graph. Both run in this process against the real Neo4j, alternating per request so
 * that drift hits both alike: the generated one as GraphQL executed on the generated schema (translation, the
 * tenant filter and the Cypher @neo4j/graphql writes), the baseline through the driver. The generated read over
 * HTTP (the whole /graphql stack: auth, limits, Apollo) is reported beside them.
 */
import { randomUUID } from 'node:crypto';
import { execute, parse } from 'graphql';
import { startApi } from '../src/app.js';
import { createKeyStore } from '../src/auth/key-store.js';
import { DEV_PRINCIPAL } from '../src/auth/principal.js';
import { loadConfig } from '../src/config/index.js';
import { cypher } from '../src/graph/cypher-files.js';
import { runCypher } from '../src/graph/driver.js';
import { buildGraphSchema } from '../src/graph-api/graph-schema.js';
import { createLogger } from '../src/observability/logger.js';
import { closeRuntime, createRuntime, migrateAll } from '../src/runtime.js';
import { seedKnowledgeGraph } from '../test/support/knowledge-graph-fixture.js';
import { deleteTenantGraph, testTenant } from '../test/integration/support/graph-cleanup.js';
import type { BenchReport } from './run.js';
import { percentile, round } from './support.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);
const WARMUP = 30;
const ITEMS = 50;

const NESTED = `query ($id: ID!) {
  graphJobs(where: { id: { eq: $id } }) {
    id type status
    evidenceConnection(first: ${ITEMS}, sort: [{ edge: { rank: ASC } }]) {
      edges { properties { rank } node { id title url sources { id name url } } }
    }
  }
}`;

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

export default async function bench(): Promise<BenchReport> {
  const env = {
    ...process.env,
    COGO_QUEUE_PREFIX: `bench-graph-${randomUUID().slice(0, 6)}`,
    COGO_PORT: '0',
    LOG_LEVEL: 'silent',
    DATABASE_URL: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/cogo_test',
    COGO_RATE_LIMIT_PER_SEC: '1000000',
  };
  const config = loadConfig(env);
  const runtime = await createRuntime(config, createLogger({ level: 'silent' }));
  await migrateAll(runtime);
  const { server, url } = await startApi(runtime);
  const tenant = testTenant('bench-graph');
  const database = config.neo4j.database;
  try {
    const seeded = await seedKnowledgeGraph(runtime, tenant, 'platypus', { evidence: ITEMS });
    const { key } = await createKeyStore(runtime.sql).create({ name: 'bench graph', tenant, scopes: ['graph:read'] });
    const schema = await buildGraphSchema({ driver: runtime.driver, database });
    const document = parse(NESTED);
    const principal = { ...DEV_PRINCIPAL, tenant };
    const generated = async () => {
      const result = await execute({ schema, document, variableValues: { id: seeded.jobId }, contextValue: { principal } });
      if (result.errors) throw new Error(result.errors[0]?.message);
      const edges = (result.data?.graphJobs as Array<{ evidenceConnection: { edges: unknown[] } }>)[0]?.evidenceConnection.edges;
      if (edges?.length !== ITEMS) throw new Error(`generated read returned ${edges?.length} items, not ${ITEMS}`);
    };
    const statement = cypher('testing/job-evidence-sources');
    const handWritten = async () => {
      const [row] = await runCypher<{ job: { edges: unknown[] } }>(runtime.driver, database, statement, { jobId: seeded.jobId, tenant }, 'READ');
      if (row?.job.edges.length !== ITEMS) throw new Error(`hand-written read returned ${row?.job.edges.length} items`);
    };
    const body = JSON.stringify({ query: NESTED, variables: { id: seeded.jobId } });
    const overHttp = async () => {
      const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body });
      const json = (await response.json()) as { errors?: unknown[] };
      if (json.errors) throw new Error(JSON.stringify(json.errors));
    };
    for (let i = 0; i < WARMUP; i++) await Promise.all([generated(), handWritten(), overHttp()]);
    const times = { generated: [] as number[], handWritten: [] as number[], http: [] as number[] };
    for (let i = 0; i < REQUESTS; i++) {
      times.generated.push(await timed(generated));
      times.handWritten.push(await timed(handWritten));
      times.http.push(await timed(overHttp));
    }
    const stats = (values: number[]) => ({ p50Ms: percentile(values, 50), p95Ms: percentile(values, 95), maxMs: round(Math.max(...values)) });
    const ratio = round(percentile(times.generated, 95) / percentile(times.handWritten, 95), 2);
    return {
      name: 'graph',
      requests: REQUESTS,
      items: ITEMS,
      query: NESTED.replace(/\s+/g, ' '),
      generated: stats(times.generated),
      handWritten: stats(times.handWritten),
      generatedOverHttp: stats(times.http),
      goals: { generatedP95OverHandWritten: { value: ratio, goal: '<= 2', met: ratio <= 2 } },
    };
  } finally {
    await runtime.sql.query('DELETE FROM api_keys WHERE tenant = $1', [tenant]);
    await deleteTenantGraph(runtime.driver, database, tenant);
    await server.close();
    await Promise.all(Object.values(runtime.queues).map((q) => q.obliterate({ force: true })));
    await closeRuntime(runtime);
  }
}
