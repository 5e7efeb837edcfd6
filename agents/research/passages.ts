import type { PassageIndex } from './graph-source.js';
import type { Retriever } from '../../src/rag/index.js';
import type { StoredChunk, VectorStore } from '../../src/vectors/index.js';

const passageOf = (chunk: Pick<StoredChunk, 'id' | 'path' | 'startLine' | 'endLine' | 'content'>) => ({
  id: chunk.id,
  title: `${chunk.path}:${chunk.startLine}-${chunk.endLine}`,
  text: chunk.content,
});

/**
 * The vector index as the graph source's passages: the retrieval layer's hybrid search (vector + full text,
 * fused; no graph expansion, research does its own ranking) and reads of a chunk by id.
 */
export function passageIndexOf(deps: { retriever: Pick<Retriever, 'search'>; vectors: Pick<VectorStore, 'chunksByIds'> }): PassageIndex {
  return {
    async search(tenant, query, k, signal) {
      const { items } = await deps.retriever.search({ tenant, query, k, filters: { expand: false }, signal });
      return items.map((item) => passageOf({ ...item, id: item.chunkId }));
    },
    async get(tenant, id) {
      const [chunk] = await deps.vectors.chunksByIds(tenant, [id]);
      return chunk && passageOf(chunk);
    },
  };
}
