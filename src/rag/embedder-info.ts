import { LOCAL_HASH_VERSION, type Embedder } from '../embeddings/types.js';

export interface EmbedderInfo {
  id: string;
  dimensions: number;
  /** True for the local feature-hashing embedder: no model, no network (DESIGN §3). */
  local: boolean;
  /** What a response says about the embedder, so nobody mistakes hashed features for a model. */
  description: string;
}

export function isLocalEmbedderId(id: string): boolean {
  return id.startsWith(`${LOCAL_HASH_VERSION}:`);
}

export function describeEmbedder(embedder: Pick<Embedder, 'id' | 'dimensions'>): EmbedderInfo {
  const local = isLocalEmbedderId(embedder.id);
  return {
    id: embedder.id,
    dimensions: embedder.dimensions,
    local,
    description: local
      ? `local feature-hashing embedder (${embedder.id}): no embedding endpoint is configured (EMBEDDINGS_BASE_URL); it matches shared words and identifiers, not meaning`
      : `OpenAI-compatible embedding endpoint (${embedder.id})`,
  };
}
