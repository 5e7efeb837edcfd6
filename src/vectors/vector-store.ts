import type { SqlClient } from '../db/sql-client.js';
import { AppError } from '../errors.js';
import { chunkTerms, queryTerms } from './lexical-terms.js';
import { prefixPattern, toVectorLiteral, versionAtLeast } from './pgvector.js';
import { sqlQuery } from './sql-files.js';
import type { ChunkRecord, EmbedderIdentity, IndexScope, SearchScope, StoredChunk, VectorStore } from './types.js';

export type { ChunkRecord, EmbedderIdentity, IndexScope, SearchScope, StoredChunk, TextHit, TextQuery, VectorHit, VectorStore } from './types.js';

export interface VectorStoreOptions {
  sql: SqlClient;
  /** The width of `chunks.embedding` (migration 001). Default 1024. */
  dimensions?: number;
  /**
   * HNSW candidate list per query (`hnsw.ef_search`); raised to the requested k when k is larger.
   * Default 100: at 100k chunks it keeps recall near exact search for k ≤ 50 at a few ms per query.
   */
  efSearch?: number;
  /**
   * BM25 candidate selection (sql/queries/vectors/bm25-top-k.sql): postings read per query term, best impact first,
   * and the least number of candidates scored exactly (at least 4 per requested result). Defaults 2,000 and 200:
   * at 56k chunks the top 10 then matched exhaustive BM25 in 84 of 100 passages (99.4 % overlap), see docs/indexing.md.
   */
  bm25?: { postingsPerTerm?: number; minCandidates?: number };
}

interface ChunkRow extends Record<string, unknown> {
  id: string;
  root: string;
  path: string;
  start_line: number;
  end_line: number;
  kind: string;
  content: string;
  metadata: Record<string, unknown> | string;
}

const VIA = 'vectors';
/** A word in more than this share of all chunks is too common for the loose full-text pass. */
const COMMON_TERM_SHARE = 0.01;
/** BM25's usual constants (Robertson; Lucene's defaults). */
const BM25_K1 = 1.2;
const BM25_B = 0.75;
const MAX_QUERY_TERMS = 32;
/**
 * BM25 candidates (sql/queries/vectors/bm25-top-k.sql): each query term's best postings by impact, then exact
 * scores for the best candidates. A term rarer than the cap is read whole; a common one (low idf) adds little.
 */
const BM25_POSTINGS_PER_TERM = 2000;
const BM25_MIN_CANDIDATES = 200;
const BM25_CANDIDATES_PER_RESULT = 4;
/** Postgres statistics move slowly (autovacuum's ANALYZE); reading them every few minutes is enough. */
const COMMON_TERMS_TTL_MS = 5 * 60_000;

/** The pgvector-backed VectorStore; every statement is a file under `sql/queries/vectors/`. */
export function createVectorStore(options: VectorStoreOptions): VectorStore {
  const { sql } = options;
  const dimensions = options.dimensions ?? 1024;
  const efSearch = options.efSearch ?? 100;
  const postingsPerTerm = options.bm25?.postingsPerTerm ?? BM25_POSTINGS_PER_TERM;
  const minCandidates = options.bm25?.minCandidates ?? BM25_MIN_CANDIDATES;
  let iterativeScan: Promise<boolean> | undefined;

  // Asked once, lazily: the store may be built before the migrations have created the extension.
  const supportsIterativeScan = () =>
    (iterativeScan ??= sql
      .query<{ version: string }>(sqlQuery('vectors/pgvector-version'))
      .then(({ rows }) => versionAtLeast(rows[0]?.version, '0.8.0'))
      .catch(() => false));

  let commonTerms: { at: number; terms: Promise<Map<string, number>> } | undefined;
  /** Words of the loose pass: those in under 1% of chunks; when none is, the two least common ones. */
  async function informativeWords(words: readonly string[]): Promise<string[]> {
    if (!commonTerms || Date.now() - commonTerms.at > COMMON_TERMS_TTL_MS) {
      const terms = sql
        .query<{ term: string; freq: number }>(sqlQuery('vectors/common-terms'), [COMMON_TERM_SHARE])
        .then(({ rows }) => new Map(rows.map((row) => [row.term, Number(row.freq)])))
        .catch(() => new Map<string, number>());
      commonTerms = { at: Date.now(), terms };
    }
    const common = await commonTerms.terms;
    const rare = words.filter((word) => !common.has(word));
    return rare.length > 0 ? rare : [...words].sort((a, b) => common.get(a)! - common.get(b)!).slice(0, 2);
  }

  const filters = (scope: SearchScope) => [
    scope.roots?.length ? [...scope.roots] : null,
    scope.pathPrefixes?.length ? scope.pathPrefixes.map(prefixPattern) : null,
    scope.kinds?.length ? [...scope.kinds] : null,
  ];

  async function indexOwner(scope: IndexScope): Promise<string | null> {
    const { rows } = await sql.query<{ embedder: string }>(sqlQuery('vectors/index-owner'), [scope.tenant, scope.root]);
    return rows[0]?.embedder ?? null;
  }

  async function claimIndex(scope: IndexScope, embedder: EmbedderIdentity): Promise<void> {
    if (embedder.dimensions > dimensions) {
      throw new AppError(
        'BAD_INPUT',
        `embedder "${embedder.id}" makes ${embedder.dimensions}-dimension vectors; the chunks table stores at most ${dimensions} ` +
          `(use a model of at most ${dimensions} dimensions, such as bge-m3 or the local bge-small-en-v1.5)`,
        { via: VIA, details: { embedder: embedder.id, dimensions: embedder.dimensions, expected: dimensions } },
      );
    }
    const { rows } = await sql.query<{ embedder: string }>(sqlQuery('vectors/claim-index'), [scope.tenant, scope.root, embedder.id, embedder.dimensions]);
    const owner = rows[0]?.embedder;
    if (owner !== undefined && owner !== embedder.id) throw embedderMismatch(scope, owner, embedder.id);
  }

  return {
    dimensions,
    indexOwner,
    claimIndex,
    async dropIndex(scope) {
      const { rows } = await sql.query<{ chunks: number; files: number }>(sqlQuery('vectors/drop-index'), [scope.tenant, scope.root]);
      return { chunks: Number(rows[0]?.chunks ?? 0), files: Number(rows[0]?.files ?? 0) };
    },
    async existingIds(tenant, ids, embedderId) {
      if (ids.length === 0) return new Set();
      const { rows } = await sql.query<{ id: string }>(sqlQuery('vectors/existing-chunks'), [tenant, [...ids], embedderId]);
      return new Set(rows.map((r) => r.id));
    },
    async upsertChunks(scope, embedder, rows) {
      if (rows.length === 0) return 0;
      await claimIndex(scope, embedder);
      for (const row of rows) {
        if (row.embedding.length !== embedder.dimensions) {
          throw new AppError(
            'BAD_INPUT',
            `chunk ${row.id} has a ${row.embedding.length}-dimension vector; embedder "${embedder.id}" makes ${embedder.dimensions}`,
            {
              via: VIA,
            },
          );
        }
      }
      const column = <T>(pick: (row: ChunkRecord) => T) => rows.map(pick);
      // Postgres text cannot hold NUL; a NUL past the scanner's binary probe must not fail the whole batch.
      const clean = (text: string) => (text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text);
      const lexical = rows.map((row) => row.lexical ?? chunkTerms({ path: row.path, content: clean(row.content), metadata: row.metadata }));
      const postings = { ids: [] as string[], terms: [] as string[], tf: [] as number[], lengths: [] as number[] };
      lexical.forEach(({ terms, length }, r) => {
        for (const [term, tf] of terms) {
          postings.ids.push(rows[r]!.id);
          postings.terms.push(term);
          postings.tf.push(tf);
          postings.lengths.push(length);
        }
      });
      const ids = column((r) => r.id);
      // Chunk, postings and length in one transaction: a chunk is never searchable by vector but not by its terms.
      const written = await sql.transaction(async (tx) => {
        const inserted = await tx.query(sqlQuery('vectors/insert-chunks'), [
          scope.tenant,
          scope.root,
          embedder.id,
          column((r) => r.id),
          column((r) => clean(r.path)),
          column((r) => r.startLine),
          column((r) => r.endLine),
          column((r) => r.kind),
          column((r) => clean(r.content)),
          column((r) => r.contentHash),
          column((r) => toVectorLiteral(r.embedding, dimensions)),
          column((r) => clean(JSON.stringify(r.metadata))),
        ]);
        if (inserted.rows.length < rows.length) return inserted;
        await tx.query(sqlQuery('vectors/delete-terms'), [scope.tenant, ids]);
        // Lengths first: the postings' impacts use the tenant's mean length including this batch.
        await tx.query(sqlQuery('vectors/set-lex-lengths'), [scope.tenant, ids, lexical.map((l) => l.length)]);
        await tx.query(sqlQuery('vectors/insert-terms'), [scope.tenant, postings.ids, postings.terms, postings.tf, postings.lengths, BM25_K1, BM25_B]);
        return inserted;
      });
      if (written.rows.length < rows.length) {
        // The claim above succeeded, so another writer changed the owner in between: say who owns it now.
        throw embedderMismatch(scope, (await indexOwner(scope)) ?? 'none', embedder.id);
      }
      return written.rows.length;
    },
    async updatePositions(tenant, rows) {
      if (rows.length === 0) return 0;
      const result = await sql.query(sqlQuery('vectors/update-positions'), [
        tenant,
        rows.map((r) => r.id),
        rows.map((r) => r.startLine),
        rows.map((r) => r.endLine),
      ]);
      return result.rows.length;
    },
    async deleteChunksOfDocuments(scope, paths, keepIds = []) {
      if (paths.length === 0) return [];
      const { rows } = await sql.query<{ id: string }>(sqlQuery('vectors/delete-chunks-of-documents'), [scope.tenant, scope.root, [...paths], [...keepIds]]);
      return rows.map((r) => r.id);
    },
    async chunksOfDocuments(scope, paths) {
      if (paths.length === 0) return [];
      const { rows } = await sql.query<ChunkRow>(sqlQuery('vectors/chunks-of-documents'), [scope.tenant, scope.root, [...paths]]);
      return rows.map((row) => toStoredChunk({ ...row, root: scope.root }));
    },
    async chunksContaining(scope, words, excludePaths, afterId, limit) {
      if (words?.length === 0) return [];
      const patterns = words?.map((w) => `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`) ?? null;
      const { rows } = await sql.query<ChunkRow>(sqlQuery('vectors/chunks-containing'), [
        scope.tenant,
        scope.root,
        [...excludePaths],
        patterns,
        afterId,
        limit,
      ]);
      return rows.map(toStoredChunk);
    },
    async chunksByIds(tenant, ids) {
      if (ids.length === 0) return [];
      const { rows } = await sql.query<ChunkRow>(sqlQuery('vectors/chunks-by-ids'), [tenant, [...ids]]);
      return rows.map(toStoredChunk);
    },
    async vectorTopK(scope, embedderId, vector, k) {
      const limit = clampK(k);
      const iterative = await supportsIterativeScan();
      return sql.transaction(async (tx) => {
        // SET LOCAL: the settings end with this transaction and never leak into a pooled connection.
        await tx.query(`SET LOCAL hnsw.ef_search = ${Math.min(1000, Math.max(efSearch, limit))}`);
        if (iterative) await tx.query('SET LOCAL hnsw.iterative_scan = relaxed_order');
        const { rows } = await tx.query<ChunkRow & { distance: number }>(sqlQuery('vectors/vector-top-k'), [
          toVectorLiteral(vector, dimensions),
          scope.tenant,
          embedderId,
          ...filters(scope),
          limit,
        ]);
        return rows.map((row) => ({ ...toStoredChunk(row), distance: Number(row.distance), score: 1 - Number(row.distance) }));
      });
    },
    async textTopK(scope, query, k) {
      const limit = clampK(k);
      const run = async (text: string) => {
        const { rows } = await sql.query<ChunkRow & { score: number }>(sqlQuery('vectors/text-top-k'), [text, scope.tenant, ...filters(scope), limit]);
        return rows.map((row) => ({ ...toStoredChunk(row), score: Number(row.score) }));
      };
      const strict = query.strict.trim() === '' ? [] : await run(query.strict);
      if (strict.length >= limit || !query.anyOf?.length) return strict;
      // An OR of common words matches most of the table and ts_rank then reads every match: leave them out.
      const words = await informativeWords(query.anyOf);
      const seen = new Set(strict.map((hit) => hit.id));
      const loose = (await run(words.join(' or '))).filter((hit) => !seen.has(hit.id));
      return [...strict, ...loose].slice(0, limit);
    },
    async lexicalTopK(scope, query, k) {
      // A question past a few dozen terms keeps its first ones: more terms only add postings to read.
      const terms = queryTerms(query).slice(0, MAX_QUERY_TERMS);
      if (terms.length === 0) return [];
      const limit = clampK(k);
      const { rows } = await sql.query<ChunkRow & { score: number }>(sqlQuery('vectors/bm25-top-k'), [
        scope.tenant,
        terms,
        ...filters(scope),
        limit,
        BM25_K1,
        BM25_B,
        postingsPerTerm,
        Math.max(minCandidates, BM25_CANDIDATES_PER_RESULT * limit),
      ]);
      return rows.map((row) => ({ ...toStoredChunk(row), score: Number(row.score) }));
    },
    async countChunks(tenant, root = null) {
      const { rows } = await sql.query<{ n: number }>(sqlQuery('vectors/count-chunks'), [tenant, root]);
      return Number(rows[0]?.n ?? 0);
    },
    async countEmbeddedByRun(scope, runKey) {
      const { rows } = await sql.query<{ n: number }>(sqlQuery('vectors/count-embedded-by-run'), [scope.tenant, scope.root, runKey]);
      return Number(rows[0]?.n ?? 0);
    },
  };
}

function clampK(k: number): number {
  return Math.min(1000, Math.max(1, Math.floor(k)));
}

function toStoredChunk(row: ChunkRow): StoredChunk {
  return {
    id: row.id,
    root: row.root,
    path: row.path,
    startLine: Number(row.start_line),
    endLine: Number(row.end_line),
    kind: row.kind,
    content: row.content,
    metadata: typeof row.metadata === 'string' ? (JSON.parse(row.metadata) as Record<string, unknown>) : (row.metadata ?? {}),
  };
}

/** The one message for "two embedders in one index": names both, and both ways out. */
export function embedderMismatch(scope: IndexScope, owner: string, requested: string): AppError {
  return new AppError(
    'BAD_INPUT',
    `the index of ${scope.root} holds vectors of embedder "${owner}", not "${requested}"; vectors of two embedders ` +
      `are never mixed in one index: re-index with mode "full" to rebuild it with "${requested}", or configure "${owner}" again`,
    { via: VIA, details: { root: scope.root, indexEmbedder: owner, requestedEmbedder: requested } },
  );
}
