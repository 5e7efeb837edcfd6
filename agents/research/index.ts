import type { Driver } from 'neo4j-driver';
import type { Config } from '../../src/config/index.js';
import type { CpuPool } from '../../src/cpu/cpu-pool.js';
import type { EvidenceStore } from '../../src/evidence/evidence-store.js';
import type { Processor } from '../../src/queue/job-context.js';
import type { Retriever } from '../../src/rag/index.js';
import type { RedisLike } from '../../src/redis/lua-script.js';
import type { VectorStore } from '../../src/vectors/index.js';
import { passageIndexOf } from './passages.js';
import { runResearch } from './run.js';
import { createSourceRegistry, type ResearchSourcesOptions } from './sources.js';

export { DEFAULT_POLICIES, type PolicyConfig, type ResearchSourcesOptions } from './sources.js';

/** What the research agent needs of the process, each part as narrow as the agent uses it. */
export interface ResearchDeps {
  /** Where every worker's rate-limit buckets and circuit breakers live. */
  redis: RedisLike;
  keyPrefix: string;
  /** The knowledge graph the `graph` source reads. */
  graph: { driver: Driver; database: string };
  evidence: EvidenceStore;
  /** The vector index, for the `graph` source's passage search: the process's one retrieval service. */
  retriever: Pick<Retriever, 'search'>;
  vectors: Pick<VectorStore, 'chunksByIds'>;
  /** Which sources exist and how they are reached (allow-list, npm, JSON APIs), and per-kind policy overrides. */
  sources: Pick<ResearchSourcesOptions, 'allowHosts' | 'npm' | 'apis' | 'web' | 'policies'>;
  /** The process's CPU pool: pages are parsed and claims grouped there, off the event loop. */
  cpu: Pick<CpuPool, 'run'>;
}

export interface ResearchProcessor extends Processor<unknown> {
  /** Closes the adapters' HTTP connection pools; the Redis and Neo4j connections belong to the runtime. */
  close(): Promise<void>;
}

/**
 * The research agent's BullMQ processor. Built once per process: adapters, connection pools and per-source
 * policies are shared by every research job the process runs.
 */
export function createResearchProcessor(deps: ResearchDeps): ResearchProcessor {
  const registry = createSourceRegistry({
    ...deps.sources,
    redis: deps.redis,
    keyPrefix: deps.keyPrefix,
    driver: deps.graph.driver,
    database: deps.graph.database,
    passages: passageIndexOf({ retriever: deps.retriever, vectors: deps.vectors }),
    cpu: deps.cpu,
  });
  const processor = (ctx: Parameters<Processor<unknown>>[0]) => runResearch(ctx, { registry, store: deps.evidence, cpu: deps.cpu });
  return Object.assign(processor, { close: () => registry.close() });
}

/** The sources configuration gives (`COGO_RESEARCH_*`): allow-list, npm registry, JSON APIs with their secrets. */
export function researchSourcesFrom(research: Config['research']): ResearchDeps['sources'] {
  return {
    allowHosts: research.allowHosts,
    npm: research.npm,
    apis: research.apis.map(({ authHeader, ...api }) => ({
      ...api,
      ...(authHeader ? { authHeader: { name: authHeader.name, envValue: authHeader.value } } : {}),
    })),
  };
}
