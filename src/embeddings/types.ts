/**
 * The port between COGO's services and whatever turns text into vectors. It lives in `src/` because the
 * retrieval service (`src/rag`) depends on it; the implementations live in `ingest/embedders/`.
 */
export interface EmbedOptions {
  signal?: AbortSignal;
}

/** Turns texts into vectors. Vectors made by different `id`s never share an index. */
export interface Embedder {
  /** Names the vector space, e.g. `local-hash-v1:1024` or `openai:bge-m3:1024`; stored with every vector. */
  readonly id: string;
  readonly dimensions: number;
  /** Set when this embedder stands in for the local model, which could not start: why (named in every answer). */
  readonly fallbackReason?: string;
  /** One vector per text, in the order of `texts`. */
  embed(texts: string[], options?: EmbedOptions): Promise<number[][]>;
}

/**
 * The vector-space name of the local feature-hashing embedder (`ingest/embedders/local-hash.ts`). Here rather
 * than there because the services must tell hashed features from a model's vectors (`src/rag/embedder-info.ts`).
 */
export const LOCAL_HASH_VERSION = 'local-hash-v1';
