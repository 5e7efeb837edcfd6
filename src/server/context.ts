import type { ArtifactReader } from '../artifacts/index.js';
import type { EvidenceReader } from '../evidence/evidence-reader.js';
import type { EventBus } from '../events/event-bus.js';
import type { JobQueries } from '../queue/job-queries.js';
import type { JobService, Principal } from '../queue/job-service.js';
import type { RagService } from '../rag/index.js';
import type { Metrics } from '../observability/metrics.js';
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
}

export interface RequestContext extends Record<PropertyKey, unknown> {
  services: Services;
  traceId: string;
  /** Until auth lands (DESIGN §7), every caller is the anonymous principal of the default tenant. */
  principal: Principal;
}
