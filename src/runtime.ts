import { Redis } from 'ioredis';
import type { AgentDeps } from '../agents/index.js';
import { buildIsolation } from '../agents/build/index.js';
import { researchSourcesFrom } from '../agents/research/index.js';
import { createActionLedger, createActionRegistry, createExecuteCheck, createHttpCaller, type AnyAction, type HttpCaller } from '../agents/execute/index.js';
import { createKeyStore } from './auth/key-store.js';
import { createArtifactGraph, openArtifactStore, type ArtifactGraph, type ArtifactStore } from './artifacts/index.js';
import type { Config } from './config/index.js';
import { connectSql } from './db/connect.js';
import { migrateSql } from './db/migrate.js';
import type { SqlClient } from './db/sql-client.js';
import { createEvidenceReader, type EvidenceReader } from './evidence/evidence-reader.js';
import { createEvidenceStore, type EvidenceStore } from './evidence/evidence-store.js';
import { createEventBus, type EventBus } from './events/event-bus.js';
import { createAuditLog, type AuditLog } from './audit/audit-log.js';
import { createSqlEventSink, type EventSink } from './events/sql-sink.js';
import { createGraphDriver, type Driver } from './graph/driver.js';
import { createDesignGraph } from './designs/design-graph.js';
import { createIndexGraphWriter, type IndexGraphWriter } from './graph/index-graph-writer.js';
import { createJobLineage, type JobLineage } from './graph/job-lineage.js';
import { migrateGraph } from './graph/migrate.js';
import type { Logger } from './observability/logger.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import { startTracing, type Tracing } from './observability/tracing.js';
import { tracedDriver, tracedSql } from './observability/traced-clients.js';
import { SQL_MIGRATIONS_DIR } from './paths.js';
import { createJobQueries, type JobQueries } from './queue/job-queries.js';
import { createInputChecks } from './queue/input-checks.js';
import { createBlueprintStore, type BlueprintStore } from './blueprints/blueprint-store.js';
import { createJobService, type JobService } from './queue/job-service.js';
import { closeQueues, createQueues, keyPrefixOf, type Queues } from './queue/queues.js';
import { createRagService, type RagService } from './rag/index.js';
import { createSharedClock, type SharedClock } from './redis/shared-clock.js';
import { startEmbedder, type Embedder } from '../ingest/embedders/index.js';
import { createCpuPool, type CpuPool } from './cpu/cpu-pool.js';
import { answererFrom } from './llm/index.js';
import { createIndexStateStore, createVectorStore, type IndexStateStore, type VectorStore } from './vectors/index.js';

export { SQL_MIGRATIONS_DIR } from './paths.js';

/**
 * Everything one COGO process shares: connections and the services built on them. Made once, closed once. This
 * file, `app.ts` and `main.ts` are the composition root: the only code that constructs services (and so the
 * only code of `src/` that may import `agents/` and `ingest/`, see docs/architecture.md).
 */
export interface Runtime {
  /** Versioned code blueprints (issue 13): proposed by people through the API and by orchestrate jobs. */
  blueprints: BlueprintStore;
  config: Config;
  logger: Logger;
  redis: Redis;
  /** The event bus's auto-pipelined connection. */
  eventsRedis: Redis;
  /** SUBSCRIBE-mode connection: event wake-ups and the cancel channel. */
  subscriber: Redis;
  driver: Driver;
  sql: SqlClient;
  keyPrefix: string;
  queues: Queues;
  lineage: JobLineage;
  events: EventBus;
  eventSink: EventSink;
  /** Every job mutation, accepted or refused (Postgres `audit_log`). */
  audit: AuditLog;
  /** The Redis server's clock: what job records are ordered by, whichever host writes them. */
  clock: SharedClock;
  jobs: JobService;
  jobQueries: JobQueries;
  metrics: Metrics;
  /** OpenTelemetry: spans exported when OTEL_EXPORTER_OTLP_ENDPOINT is set, no-ops otherwise. */
  tracing: Tracing;
  /** The configured embedder (without EMBEDDINGS_BASE_URL the local model, or feature hashing) and the pgvector store. */
  embedder: Embedder;
  vectors: VectorStore;
  /** Worker threads for the agents' CPU-heavy steps; threads start on first use. */
  cpu: CpuPool;
  /** Per-file index state (Postgres) and the index's nodes in Neo4j, both written by the indexing agent. */
  indexState: IndexStateStore;
  indexGraph: IndexGraphWriter;
  /** Hybrid retrieval: the API's `search`, and the research agent's passage search. One per process. */
  rag: RagService;
  /** Research evidence: the agent writes through `evidence`, the API reads through `evidenceReader`. */
  evidence: EvidenceStore;
  evidenceReader: EvidenceReader;
  /** Content-addressed files (build outputs, logs) and their (:Artifact) nodes. */
  artifacts: ArtifactStore;
  artifactGraph: ArtifactGraph;
  /** The execute agent's outgoing HTTP (allow-listed hosts only); closed with the runtime. */
  executeHttp: HttpCaller;
  /** What each agent's processor receives (`createProcessors(runtime.agents)`): narrow views of the above. */
  agents: AgentDeps;
}

function connectRedis(url: string, options: { autoPipeline?: boolean } = {}): Redis {
  // maxRetriesPerRequest null: BullMQ's blocking commands must wait through a reconnect, not fail.
  const redis = new Redis(url, { maxRetriesPerRequest: null, enableAutoPipelining: options.autoPipeline ?? false });
  redis.on('error', () => {}); // reconnects on its own; /readyz reports the outage
  return redis;
}

export interface RuntimeOptions {
  /** Execute actions besides the built-in ones (agents/execute/registry.ts): the job-platform tests' scripted ones. */
  executeActions?: readonly AnyAction[];
}

export async function createRuntime(config: Config, logger: Logger, options: RuntimeOptions = {}): Promise<Runtime> {
  // First: the connections made below are traced only if the provider exists when they are used.
  const tracing = startTracing(config.tracing);
  const redis = connectRedis(config.redis.url);
  const subscriber = connectRedis(config.redis.url);
  // Events get a connection of their own that sends whatever one event-loop turn issued in one write: many jobs
  // publish at once, and a socket write per event was a third of a worker's CPU. BullMQ keeps plain connections
  // (auto-pipelining is not supported there).
  const eventsRedis = connectRedis(config.redis.url, { autoPipeline: true });
  // Traced only when tracing is on: the proxies' cost is not paid by a process that records nothing.
  const driver = tracing.enabled ? tracedDriver(createGraphDriver(config.neo4j)) : createGraphDriver(config.neo4j);
  const sql = tracing.enabled ? tracedSql(await connectSql(config)) : await connectSql(config);
  const keyPrefix = keyPrefixOf(config.redis.prefix);
  const clock = createSharedClock(redis);
  // Bounded: a Redis that is down is /readyz's to report; the clock starts on this host's time meanwhile.
  await Promise.race([clock.ready.catch(() => {}), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
  const eventSink = createSqlEventSink(sql, logger);
  const audit = createAuditLog(sql, logger);
  const queues = createQueues(redis, config.redis.prefix, tracing.bullmq);
  const lineage = createJobLineage(driver, config.neo4j.database);
  const jobQueries = createJobQueries({ redis, queues, lineage, keyPrefix });
  const metrics = createMetrics({ queueStats: () => jobQueries.queueStats() });
  const events = createEventBus({
    redis: eventsRedis,
    subscriber,
    keyPrefix,
    clock,
    onPublished: (event, stream) => {
      eventSink.push(event, stream);
      metrics.observeEvent(event, stream);
    },
    onDelivered: (event, stream) => metrics.observeDelivery(event, stream),
  });
  const artifacts = openArtifactStore(config.artifacts, config.build.maxArtifactBytes);
  const artifactGraph = createArtifactGraph(driver, config.neo4j.database);
  // The execute agent's actions: the control plane checks flows against them at enqueue, the worker runs them.
  // job.enqueue starts child jobs through the job service made just below (called only once it exists).
  const executeHttp = createHttpCaller({ allowHosts: config.execute.allowHosts });
  const actions = createActionRegistry(
    {
      http: executeHttp,
      graph: { driver, database: config.neo4j.database },
      artifacts,
      artifactGraph,
      jobs: { enqueue: (request) => jobs.enqueue(request), cancel: (id, principal) => jobs.cancel(id, principal) },
    },
    options.executeActions,
  );
  const jobs = createJobService({
    redis,
    queues,
    lineage,
    events,
    audit,
    clock,
    checkInput: createInputChecks(config.indexing, config.build, createExecuteCheck(actions, config.execute.rateLimits)),
    prefix: config.redis.prefix,
    maxPayloadBytes: config.http.maxPayloadBytes,
  });
  const cpu = createCpuPool({ threads: config.cpu.threads });
  const embedder = metrics.countEmbeddings(
    await startEmbedder(config.embeddings, cpu, (reason) =>
      logger.warn({ reason }, 'the local embedding model could not start: feature hashing stands in (every answer says so)'),
    ),
  );
  const vectors = createVectorStore({ sql });
  const database = config.neo4j.database;
  const indexState = createIndexStateStore(sql);
  const indexGraph = createIndexGraphWriter(driver, database);
  const rag = createRagService({ vectors, embedder, driver, database });
  const evidence = createEvidenceStore(driver, database);
  const evidenceReader = createEvidenceReader(driver, database);
  const blueprints = createBlueprintStore(driver, database);
  const agents: AgentDeps = {
    research: { redis, keyPrefix, graph: { driver, database }, evidence, retriever: rag, vectors, sources: researchSourcesFrom(config.research), cpu },
    orchestrate: { retriever: rag, answerer: answererFrom(config.llm), driver, database, children: jobs, blueprints },
    indexing: {
      allowedRoots: config.indexing.allowedRoots,
      embedder,
      vectors,
      state: indexState,
      graph: indexGraph,
      redis,
      keyPrefix,
      cpu,
      maxFileBytes: config.indexing.maxFileBytes,
      maxJobBytes: config.indexing.maxJobBytes,
      artifacts,
    },
    execute: {
      registry: actions,
      ledger: createActionLedger(sql),
      keys: createKeyStore(sql),
      redis,
      keyPrefix,
      audit,
      rateLimits: config.execute.rateLimits,
    },
    figma: { allowedRoots: config.indexing.allowedRoots, fetch: config.indexing.figma, cpu, designs: createDesignGraph(driver, database) },
    build: {
      build: config.build,
      dataDir: config.dataDir,
      allowedRoots: config.indexing.allowedRoots,
      startDir: config.indexing.startDir,
      artifacts,
      artifactGraph,
      isolation: buildIsolation({ dir: config.build.dir, allowUnsandboxed: config.build.allowUnsandboxed, hostUidBase: config.build.hostUidBase, logger }),
    },
  };
  return {
    blueprints,
    config,
    logger,
    redis,
    eventsRedis,
    subscriber,
    driver,
    sql,
    keyPrefix,
    queues,
    lineage,
    events,
    eventSink,
    audit,
    clock,
    jobs,
    jobQueries,
    metrics,
    tracing,
    embedder,
    vectors,
    cpu,
    indexState,
    indexGraph,
    rag,
    evidence,
    evidenceReader,
    artifacts,
    artifactGraph,
    executeHttp,
    agents,
  };
}

export async function closeRuntime(runtime: Runtime): Promise<void> {
  // Closing goes on past a failure (everything else must still be closed), and says what failed.
  const logged = (what: string) => (error: unknown) => runtime.logger.warn({ err: error }, `closing ${what} failed`);
  runtime.clock.stop();
  await runtime.cpu.close();
  await closeQueues(runtime.queues).catch(logged('the queues'));
  await runtime.events.close();
  await runtime.executeHttp.close().catch(logged('the execute HTTP client'));
  // A batch the sinks could not write is logged by the batch writer itself, with the rows' count.
  await Promise.all([runtime.eventSink.close(), runtime.audit.close()]).catch(logged('the event and audit logs'));
  await Promise.allSettled([runtime.sql.close(), runtime.driver.close()]);
  runtime.subscriber.disconnect();
  await Promise.all([runtime.redis.quit().catch(logged('Redis')), runtime.eventsRedis.quit().catch(logged('the events Redis connection'))]);
  await runtime.tracing.shutdown().catch(logged('the trace exporter'));
}

/** Applies the SQL and Cypher migrations; both are idempotent. */
export async function migrateAll(runtime: Pick<Runtime, 'config' | 'sql' | 'driver'>) {
  const [sql, graph] = await Promise.all([migrateSql(runtime.sql, SQL_MIGRATIONS_DIR), migrateGraph(runtime.driver, runtime.config.neo4j.database)]);
  return { sql, graph };
}
