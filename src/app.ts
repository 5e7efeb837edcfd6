import { createProcessors } from '../agents/index.js';
import { createAuth } from './auth/index.js';
import { createRouter } from './llm/router.js';
import { createRoutingReportReader } from './llm/routing-report.js';
import type { JobArea } from './queue/job-types.js';
import type { Processors } from './queue/job-context.js';
import { startWorkerHost, type WorkerHost, type WorkerHostOptions } from './queue/worker-host.js';
import { recopyStream } from './events/sql-sink.js';
import type { Runtime } from './runtime.js';
import type { Services } from './server/context.js';
import { buildServedSchema } from './server/graphql-schema.js';
import { createHttpServer, type HttpServer } from './server/http-server.js';
import { createReadinessCheck } from './server/readiness.js';
import { registerRestRoutes } from './server/rest/routes.js';
import { registerArtifactRoutes } from './server/rest/artifact-download.js';
import { registerBrowserGuide } from './server/browser-guide-route.js';
import { createArtifactReader } from './artifacts/index.js';
import { VERSION } from './version.js';
import { createGraphExplorer } from './graph-api/explorer.js';
import { createGateReportReader } from './observability/gate-report.js';

/** The composition root for the API: the one place that wires services into transports. */
export async function startApi(runtime: Runtime): Promise<{ server: HttpServer; url: string }> {
  const { config, logger } = runtime;
  const services: Services = {
    readiness: createReadinessCheck({ ...runtime, neo4jDatabase: config.neo4j.database }),
    version: VERSION,
    startedAt: Date.now(),
    jobs: runtime.jobs,
    jobQueries: runtime.jobQueries,
    events: runtime.events,
    metrics: runtime.metrics,
    evidence: runtime.evidenceReader,
    rag: runtime.rag,
    artifacts: createArtifactReader(runtime.artifactGraph, runtime.artifacts),
    router: createRouter(config.llm.router, config.llm.prices),
    gates: createGateReportReader(runtime.sql),
    routingReports: createRoutingReportReader({ driver: runtime.driver, database: config.neo4j.database, prices: config.llm.prices }),
    blueprints: runtime.blueprints,
    explorer: createGraphExplorer(runtime.driver, config.neo4j.database),
  };
  const auth = await createAuth({ config, redis: runtime.redis, sql: runtime.sql, audit: runtime.audit, logger, keyPrefix: runtime.keyPrefix });
  const server = await createHttpServer({
    config,
    logger,
    schema: await buildServedSchema({ driver: runtime.driver, database: config.neo4j.database }),
    services,
    auth,
    audit: runtime.audit,
    routes: [(app) => registerRestRoutes(app, services, config), (app) => registerArtifactRoutes(app, services), registerBrowserGuide],
  });
  const url = await server.listen();
  return { server, url };
}

/** Runs the agents' processors for `areas` (all that have one when absent) in this process. */
export async function startWorkers(runtime: Runtime, areas?: JobArea[]): Promise<WorkerHost> {
  const all = createProcessors(runtime.agents);
  const processors = areas ? Object.fromEntries(Object.entries(all).filter(([area]) => areas.includes(area as JobArea))) : all;
  return startWorkerHost(workerHostOptions(runtime, processors));
}

/** How a worker host is wired to the runtime's connections, whatever processors it runs. */
export function workerHostOptions(runtime: Runtime, processors: Processors): WorkerHostOptions {
  return {
    redis: runtime.redis,
    subscriber: runtime.subscriber,
    prefix: runtime.config.redis.prefix,
    events: runtime.events,
    lineage: runtime.lineage,
    logger: runtime.logger,
    processors,
    clock: runtime.clock,
    telemetry: runtime.tracing.bullmq,
    // The dead worker's last events may never have reached the Postgres log: copy the stream again.
    onTakeover: (jobId) => recopyStream(runtime.events.read, runtime.eventSink, { kind: 'job', jobId }),
  };
}
