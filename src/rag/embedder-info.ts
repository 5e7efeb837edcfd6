import { LOCAL_MODEL_PREFIX } from '../embeddings/local-models.js';
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

export function describeEmbedder(embedder: Pick<Embedder, 'id' | 'dimensions' | 'fallbackReason'>): EmbedderInfo {
  const local = isLocalEmbedderId(embedder.id);
  return { id: embedder.id, dimensions: embedder.dimensions, local, description: description(embedder, local) };
}

function description(embedder: Pick<Embedder, 'id' | 'dimensions' | 'fallbackReason'>, local: boolean): string {
  if (local && embedder.fallbackReason) {
    return (
      `FALLBACK: local feature-hashing embedder (${embedder.id}) because the local embedding model could not start ` +
      `(${embedder.fallbackReason}); it matches shared words and identifiers, not meaning`
    );
  }
  if (local) {
    return `local feature-hashing embedder (${embedder.id}): no embedding endpoint (EMBEDDINGS_BASE_URL) and no local model (COGO_LOCAL_EMBEDDER=hash); it matches shared words and identifiers, not meaning`;
  }
  if (embedder.id.startsWith(LOCAL_MODEL_PREFIX)) {
    return `local embedding model ${embedder.id.slice(LOCAL_MODEL_PREFIX.length)} (${embedder.dimensions} dimensions), run by ONNX Runtime on this machine`;
  }
  return `OpenAI-compatible embedding endpoint (${embedder.id})`;
}
