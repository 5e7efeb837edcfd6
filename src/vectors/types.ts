import type { LexicalTerms } from './lexical-terms.js';

/** One indexed folder of one tenant: the unit an embedder owns and the indexer keeps in step with the disk. */
export interface IndexScope {
  tenant: string;
  /** The real, absolute folder path, as `resolveIndexRoot` returns it. */
  root: string;
}

/** A chunk ready to store: its text, where it sits, and its vector. */
export interface ChunkRecord {
  /** The row id: stable for (tenant, root, path, text), see `agents/indexing/ids.ts`. */
  id: string;
  path: string;
  startLine: number;
  endLine: number;
  kind: string;
  content: string;
  contentHash: string;
  embedding: readonly number[];
  metadata: Record<string, unknown>;
  /**
   * The chunk's BM25 terms (`chunkTerms` of path, content and metadata) when the caller computed them off the
   * event loop, as the indexing agent does in its CPU pool; absent, the store computes them.
   */
  lexical?: LexicalTerms;
}

export interface StoredChunk {
  id: string;
  root: string;
  path: string;
  startLine: number;
  endLine: number;
  kind: string;
  content: string;
  metadata: Record<string, unknown>;
}

/** `score` = cosine similarity (1 − cosine distance). */
export interface VectorHit extends StoredChunk {
  distance: number;
  score: number;
}

/** `score` = Postgres ts_rank (textTopK) or BM25 (lexicalTopK) of the chunk for the query. */
export interface TextHit extends StoredChunk {
  score: number;
}

/** Where a search looks: always one tenant; roots, path prefixes and kinds narrow it when given. */
export interface SearchScope {
  tenant: string;
  roots?: readonly string[] | null;
  pathPrefixes?: readonly string[] | null;
  kinds?: readonly string[] | null;
}

/** A full-text query in two passes: `strict` (websearch syntax, every word required), then any of `anyOf`. */
export interface TextQuery {
  strict: string;
  /** Plain lowercase words; the loose pass runs only while the strict one found fewer than k chunks. */
  anyOf?: readonly string[];
}

export interface EmbedderIdentity {
  id: string;
  dimensions: number;
}

/**
 * Chunks and their vectors in Postgres + pgvector, the same over a `pg` pool and PGlite. The store refuses to
 * put vectors of two embedders into one (tenant, root) index.
 */
export interface VectorStore {
  /** The width of the `chunks.embedding` column. */
  readonly dimensions: number;
  /** The embedder that owns the index of `scope`, or null when nothing was stored there yet. */
  indexOwner(scope: IndexScope): Promise<string | null>;
  /** Makes `embedder` the owner of an unowned index; BAD_INPUT naming both ids when another one owns it. */
  claimIndex(scope: IndexScope, embedder: EmbedderIdentity): Promise<void>;
  /** Removes every chunk, file state and the embedder claim of one root. */
  dropIndex(scope: IndexScope): Promise<{ chunks: number; files: number }>;
  /** The ids among `ids` that are stored with a vector of `embedderId`. */
  existingIds(tenant: string, ids: readonly string[], embedderId: string): Promise<Set<string>>;
  /** Inserts or replaces rows; BAD_INPUT when the index belongs to another embedder. */
  upsertChunks(scope: IndexScope, embedder: EmbedderIdentity, rows: readonly ChunkRecord[]): Promise<number>;
  /** Moves stored chunks to new line ranges without touching their vectors. */
  updatePositions(tenant: string, rows: readonly { id: string; startLine: number; endLine: number }[]): Promise<number>;
  /** Deletes the chunks of `paths` except `keepIds`; returns the deleted ids. */
  deleteChunksOfDocuments(scope: IndexScope, paths: readonly string[], keepIds?: readonly string[]): Promise<string[]>;
  chunksOfDocuments(scope: IndexScope, paths: readonly string[]): Promise<StoredChunk[]>;
  /**
   * One page (by id, after `afterId`) of the root's chunks outside `excludePaths` whose text contains any of
   * `words` (a substring test; null = every chunk).
   */
  chunksContaining(scope: IndexScope, words: readonly string[] | null, excludePaths: readonly string[], afterId: string, limit: number): Promise<StoredChunk[]>;
  /** The tenant's chunks with these ids, from any root (missing ids are left out). */
  chunksByIds(tenant: string, ids: readonly string[]): Promise<StoredChunk[]>;
  vectorTopK(scope: SearchScope, embedderId: string, vector: readonly number[], k: number): Promise<VectorHit[]>;
  /**
   * Chunks matching every word first (ts_rank order), then, when fewer than k, chunks matching any of the
   * informative words: words in more than 1% of all chunks (Postgres statistics) are left out of that pass.
   */
  textTopK(scope: SearchScope, query: TextQuery, k: number): Promise<TextHit[]>;
  /**
   * BM25 over COGO's lexical terms (`lexical-terms.ts`: identifiers whole and split, dotted names, Hangul bigrams),
   * field-weighted (declared names, headings, path, text); `score` is the BM25 score.
   */
  lexicalTopK(scope: SearchScope, query: string, k: number): Promise<TextHit[]>;
  countChunks(tenant: string, root?: string | null): Promise<number>;
  /** Vectors an indexing run stored under `scope` (`metadata.indexRun`). */
  countEmbeddedByRun(scope: IndexScope, runKey: string): Promise<number>;
}
