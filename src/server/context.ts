import type { ArtifactReader } from '../artifacts/index.js';
import type { BlueprintStore } from '../blueprints/blueprint-store.js';
import type { GraphExplorer } from '../graph-api/explorer.js';
import type { EvidenceReader } from '../evidence/evidence-reader.js';
import type { EventBus } from '../events/event-bus.js';
import type { JobQueries } from '../queue/job-queries.js';
import type { Principal } from '../auth/principal.js';
import type { JobService } from '../queue/job-service.js';
import type { RagService } from '../rag/index.js';
import type { Router } from '../llm/router.js';
import type { RoutingReportReader } from '../llm/routing-report.js';
import type { Metrics } from '../observability/metrics.js';
import type { GateReportReader } from '../observability/gate-report.js';
import type { ReadinessCheck } from './readiness.js';

/** What every resolver and REST handler receives; built once by the composition root. */
export interface Services {
  readiness: ReadinessCheck;
  version: string;
  startedAt: number;
  jobs: JobService;
  jobQueries: JobQueries;
  events: EventBus;
  metrics: Metrics;
  /** Research evidence reads (the `evidence` query). */
  evidence: EvidenceReader;
  /** Hybrid retrieval, its streaming form and embeddings (schema/rag.graphql). */
  rag: RagService;
  /** Build outputs and logs: metadata (`artifact(id)`) and downloads (`GET /v1/artifacts/:id`), by tenant. */
  artifacts: ArtifactReader;
  /** The model router (schema/ask.graphql `route`): pure, no model call. */
  router: Router;
  /** What routing did for a tenant, from its `(:ModelCall)` nodes (`routingReport`). */
  routingReports: RoutingReportReader;
  /** Code blueprint objects: versions, acceptance, diffs (schema/blueprints.graphql). */
  blueprints: BlueprintStore;
  /** Neighbourhoods and evidence paths for graph views (schema/explore.graphql). */
  explorer: GraphExplorer;
  /** The plan's gates over time from Postgres `bus_events` (`gateReport`, the dashboard). */
  gates: GateReportReader;
}

export interface RequestContext extends Record<PropertyKey, unknown> {
  services: Services;
  traceId: string;
  /** Who is calling, from the credential (src/auth); the tenant every read and write is confined to. */
  principal: Principal;
}
