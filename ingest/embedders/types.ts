export interface EmbedOptions {
  signal?: AbortSignal;
}

/** Turns texts into vectors. Vectors made by different `id`s never share an index. */
export interface Embedder {
  /** Names the vector space, e.g. `local-hash-v1:1024` or `openai:bge-m3:1024`; stored with every vector. */
  readonly id: string;
  readonly dimensions: number;
  /** One vector per text, in the order of `texts`. */
  embed(texts: string[], options?: EmbedOptions): Promise<number[][]>;
}
