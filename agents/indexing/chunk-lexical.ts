import type { Chunk } from '../../ingest/chunk-types.js';
import { chunkTerms, type LexicalTerms } from '../../src/vectors/lexical-terms.js';

/** What a chunk is found by besides its text, as stored in its metadata: heading path, symbols, qualified names. */
export function chunkDescriptors(chunk: Chunk): { context?: string; symbols?: string[]; names?: string[] } {
  return {
    ...(chunk.context ? { context: chunk.context } : {}),
    ...(chunk.symbols?.length ? { symbols: chunk.symbols.map((s) => `${s.kind} ${s.name}`) } : {}),
    ...(chunk.names?.length ? { names: chunk.names } : {}),
  };
}

/**
 * A chunk's BM25 terms, computed where it is chunked (a CPU-pool thread): tokenizing, identifier splitting and
 * Hangul bigrams of a batch would otherwise run on the event loop that renews the job's lease.
 */
export function chunkLexicalTerms(chunk: Chunk): LexicalTerms {
  return chunkTerms({ path: chunk.path, content: chunk.text, metadata: chunkDescriptors(chunk) });
}
