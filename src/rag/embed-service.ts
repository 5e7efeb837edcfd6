import type { Embedder } from '../embeddings/types.js';
import { AppError } from '../errors.js';
import { describeEmbedder } from './embedder-info.js';
import type { EmbedEvent, EmbedResult } from './types.js';

/** The mutation answers in one response: this many texts at most (a response of 256 × 1024 floats is ~5 MB). */
export const MAX_EMBED_TEXTS = 256;
/** The subscription streams vectors batch by batch, so it takes more. */
export const MAX_STREAM_TEXTS = 4096;
export const MAX_TEXT_CHARS = 32_000;

export interface EmbedService {
  embed(texts: readonly string[], signal?: AbortSignal): Promise<EmbedResult>;
  /** `embed.chunk` per batch of `batchSize` texts (vectors with their offset), then `embed.done`. */
  stream(texts: readonly string[], options?: { batchSize?: number | null; signal?: AbortSignal }): AsyncGenerator<EmbedEvent>;
}

/** Embeddings on demand with the configured embedder, the one the index uses, named in every answer. */
export function createEmbedService(embedder: Embedder): EmbedService {
  const info = describeEmbedder(embedder);
  const named = { embedder: info.id, localEmbedder: info.local, dimensions: info.dimensions };

  return {
    async embed(texts, signal) {
      check(texts, MAX_EMBED_TEXTS, 'use the `embed` subscription, which streams vectors in batches');
      const vectors = await embedder.embed([...texts], signal ? { signal } : {});
      return { ...named, count: vectors.length, vectors };
    },
    async *stream(texts, options = {}) {
      check(texts, MAX_STREAM_TEXTS, 'split the texts over several calls');
      const batchSize = options.batchSize ?? 64;
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_EMBED_TEXTS) {
        throw new AppError('BAD_INPUT', `batchSize must be an integer from 1 to ${MAX_EMBED_TEXTS}`, { via: 'embed' });
      }
      let seq = 0;
      for (let offset = 0; offset < texts.length; offset += batchSize) {
        const batch = texts.slice(offset, offset + batchSize);
        const vectors = await embedder.embed(batch, options.signal ? { signal: options.signal } : {});
        yield { type: 'embed.chunk', seq: ++seq, offset, count: vectors.length, vectors, ...named };
      }
      yield { type: 'embed.done', seq: ++seq, offset: texts.length, count: texts.length, vectors: [], ...named };
    },
  };
}

function check(texts: readonly string[], max: number, hint: string) {
  if (texts.length === 0) throw new AppError('BAD_INPUT', 'texts is empty', { via: 'embed' });
  if (texts.length > max) throw new AppError('PAYLOAD_TOO_LARGE', `${texts.length} texts; the limit is ${max} (${hint})`, { via: 'embed' });
  const long = texts.findIndex((t) => t.length > MAX_TEXT_CHARS);
  if (long >= 0)
    throw new AppError('PAYLOAD_TOO_LARGE', `texts[${long}] has ${texts[long]!.length} characters; the limit is ${MAX_TEXT_CHARS}`, { via: 'embed' });
}
