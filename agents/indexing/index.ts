import type { Processor } from '../../src/queue/job-context.js';
import type { Runtime } from '../../src/runtime.js';
import { createIndexStateStore } from '../../src/vectors/index.js';
import { createIndexGraphWriter } from './graph-writer.js';
import { createIndexingProcessor, type IndexingInput } from './processor.js';

export { createIndexingProcessor, type IndexingDeps, type IndexingInput } from './processor.js';
export { createIndexGraphWriter, type IndexGraphWriter } from './graph-writer.js';
export { SECRET_EXCLUDES } from './scan.js';
export type { IndexingReport } from './report.js';

/** The indexing agent wired to one process's runtime: its embedder, pgvector store, graph and Redis. */
export function indexingProcessorFor(runtime: Runtime): Processor<IndexingInput> {
  return createIndexingProcessor({
    allowedRoots: runtime.config.indexing.allowedRoots,
    embedder: runtime.embedder,
    vectors: runtime.vectors,
    state: createIndexStateStore(runtime.sql),
    graph: createIndexGraphWriter(runtime.driver, runtime.config.neo4j.database),
    redis: runtime.redis,
    keyPrefix: runtime.keyPrefix,
    cpu: runtime.cpu,
    maxFileBytes: runtime.config.indexing.maxFileBytes,
    maxJobBytes: runtime.config.indexing.maxJobBytes,
  });
}
