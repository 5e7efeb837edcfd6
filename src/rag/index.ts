import type { Driver } from 'neo4j-driver';
import type { Embedder } from '../embeddings/types.js';
import type { VectorStore } from '../vectors/index.js';
import { describeEmbedder, type EmbedderInfo } from './embedder-info.js';
import { createEmbedService, type EmbedService } from './embed-service.js';
import { createGraphExpander } from './graph-expansion.js';
import { createRetriever, type Retriever } from './retriever.js';

export { describeEmbedder, isLocalEmbedderId, type EmbedderInfo } from './embedder-info.js';
export { MAX_EMBED_TEXTS, MAX_STREAM_TEXTS, type EmbedService } from './embed-service.js';
export { createRetriever, type Retriever, type RetrieverDeps } from './retriever.js';
export { createGraphExpander, type GraphExpander } from './graph-expansion.js';
export { createEntityChunkFinder, entityNamesIn, type EntityChunkFinder } from './entity-signal.js';
export type * from './types.js';

/** What the API offers of retrieval: hybrid search, its streaming form, and embeddings on demand. */
export interface RagService extends Retriever {
  embeddings: EmbedService;
  embedder: EmbedderInfo;
}

export function createRagService(deps: { vectors: VectorStore; embedder: Embedder; driver: Driver; database: string }): RagService {
  const retriever = createRetriever({ vectors: deps.vectors, embedder: deps.embedder, expand: createGraphExpander(deps.driver, deps.database) });
  return { ...retriever, embeddings: createEmbedService(deps.embedder), embedder: describeEmbedder(deps.embedder) };
}
