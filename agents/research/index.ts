import type { Processor } from '../../src/queue/job-context.js';
import type { Runtime } from '../../src/runtime.js';
import { createRagService } from '../../src/rag/index.js';
import { createEvidenceStore } from './evidence-store.js';
import { passageIndexOf } from './passages.js';
import { runResearch } from './run.js';
import { createSourceRegistry, type ResearchSourcesOptions } from './sources.js';

export { createEvidenceStore, type EvidenceStore } from './evidence-store.js';
export { DEFAULT_POLICIES, type PolicyConfig, type ResearchSourcesOptions } from './sources.js';

export interface ResearchProcessor extends Processor<unknown> {
  /** Closes the adapters' HTTP connection pools; the Redis and Neo4j connections belong to the runtime. */
  close(): Promise<void>;
}

/**
 * The research agent's BullMQ processor. Built once per process: adapters, connection pools and per-source
 * policies are shared by every research job the process runs.
 */
export function createResearchProcessor(options: ResearchSourcesOptions): ResearchProcessor {
  const registry = createSourceRegistry(options);
  const store = createEvidenceStore(options.driver, options.database);
  const processor = (ctx: Parameters<Processor<unknown>>[0]) => runResearch(ctx, { registry, store });
  return Object.assign(processor, { close: () => registry.close() });
}

/** What `cogo worker` and `npm start` run: sources from config (allow-list, npm registry, JSON APIs). */
export function researchOptionsFrom(runtime: Runtime): ResearchSourcesOptions {
  const { research } = runtime.config;
  return {
    redis: runtime.redis,
    keyPrefix: runtime.keyPrefix,
    driver: runtime.driver,
    database: runtime.config.neo4j.database,
    allowHosts: research.allowHosts,
    npm: research.npm,
    passages: passageIndexOf({
      retriever: createRagService({ vectors: runtime.vectors, embedder: runtime.embedder, driver: runtime.driver, database: runtime.config.neo4j.database }),
      vectors: runtime.vectors,
    }),
    apis: research.apis.map(({ authHeader, ...api }) => ({
      ...api,
      ...(authHeader ? { authHeader: { name: authHeader.name, envValue: authHeader.value } } : {}),
    })),
  };
}
