import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateSql } from '../../src/db/migrate.js';
import { createPgliteClient } from '../../src/db/pglite-client.js';
import { createThreadedPgliteClient } from '../../src/db/pglite-threaded-client.js';
import { createPostgresClient } from '../../src/db/postgres-client.js';
import type { SqlClient } from '../../src/db/sql-client.js';
import { SQL_MIGRATIONS_DIR } from '../../src/runtime.js';
import { createIndexStateStore, createVectorStore, type ChunkRecord, type StoredChunk, type VectorStore } from '../../src/vectors/index.js';
import { chunkTerms, queryTerms } from '../../src/vectors/lexical-terms.js';
import { createScratchDatabase } from '../support/indexing-fixtures.js';

const A = { tenant: 't1', root: '/data/a' };
const B = { tenant: 't1', root: '/data/b' };
const LOCAL = { id: 'local-hash-v1:1024', dimensions: 1024 };
const OTHER = { id: 'openai:bge-m3:1024', dimensions: 1024 };

/** A unit vector along axis `axis`, tilted a little towards `towards` so that distances differ. */
function axisVector(axis: number, tilt = 0, towards = 1023): number[] {
  const v = new Array<number>(1024).fill(0);
  v[axis] = 1;
  v[towards] = tilt;
  const norm = Math.hypot(1, tilt);
  return v.map((x) => x / norm);
}

function chunk(id: string, path: string, content: string, vector: number[], kind = 'text'): ChunkRecord {
  return { id, path, startLine: 1, endLine: 3, kind, content, contentHash: id, embedding: vector, metadata: { context: `ctx ${id}` } };
}

/**
 * BM25 computed here, in plain TypeScript, from the stored chunks and the same term function: the reference the
 * SQL implementation must reproduce (Lucene idf, k1 = 1.2, b = 0.75, statistics over the tenant's chunks).
 */
function referenceBm25(corpus: StoredChunk[], query: string): { id: string; score: number }[] {
  const docs = corpus.map((c) => ({ id: c.id, ...chunkTerms(c) }));
  const avgdl = docs.reduce((sum, d) => sum + d.length, 0) / docs.length;
  const scored = docs.map((d) => {
    let score = 0;
    for (const term of queryTerms(query)) {
      const tf = d.terms.get(term);
      if (!tf) continue;
      const df = docs.filter((o) => o.terms.has(term)).length;
      const idf = Math.log(1 + (docs.length - df + 0.5) / (df + 0.5));
      score += (idf * tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * d.length) / avgdl));
    }
    return { id: d.id, score };
  });
  return scored.filter((s) => s.score > 0).sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
}

/** The BM25 statistics a tenant's stored chunks imply, from the same term function: what migration 010 must keep. */
function expectedStatistics(corpus: StoredChunk[]) {
  const df: Record<string, number> = {};
  let totalLength = 0;
  for (const c of corpus) {
    const { terms, length } = chunkTerms(c);
    totalLength += length;
    for (const term of terms.keys()) df[term] = (df[term] ?? 0) + 1;
  }
  return { chunks: corpus.length, totalLength, df };
}

/** The statistics as kept in the database (lexical_corpus_stats, lexical_term_stats). */
async function keptStatistics(sql: SqlClient, tenant: string) {
  const corpus = await sql.query<{ chunks: number; total_length: number }>('SELECT chunks, total_length FROM lexical_corpus_stats WHERE tenant = $1', [tenant]);
  const terms = await sql.query<{ term: string; df: number }>('SELECT term, df FROM lexical_term_stats WHERE tenant = $1', [tenant]);
  return {
    chunks: Number(corpus.rows[0]?.chunks ?? 0),
    totalLength: Number(corpus.rows[0]?.total_length ?? 0),
    df: Object.fromEntries(terms.rows.map((r) => [r.term, Number(r.df)])),
  };
}

/** One contract, run against each SqlClient implementation: what holds on PGlite holds on Postgres. */
function vectorStoreContract(name: string, open: () => Promise<{ sql: SqlClient; close(): Promise<void> }>) {
  describe(`VectorStore on ${name}`, () => {
    let handle: { sql: SqlClient; close(): Promise<void> };
    let store: VectorStore;
    beforeAll(async () => {
      handle = await open();
      await migrateSql(handle.sql, SQL_MIGRATIONS_DIR);
      store = createVectorStore({ sql: handle.sql });
      await store.upsertChunks(A, LOCAL, [
        chunk('a1', 'docs/harbour.md', 'The harbour master logs every tide', axisVector(0)),
        chunk('a2', 'docs/100%_sure.md', 'Ledger amounts are integer cents', axisVector(0, 0.5)),
        chunk('a3', 'src/tides.ts', 'export function predictTide() {}', axisVector(1), 'code-declaration'),
      ]);
      await store.upsertChunks(B, LOCAL, [chunk('b1', 'docs/harbour.md', 'Another harbour, another tide', axisVector(0, 0.1))]);
      await store.upsertChunks({ tenant: 't2', root: A.root }, LOCAL, [chunk('x1', 'docs/harbour.md', 'harbour of another tenant', axisVector(0))]);
    });
    afterAll(() => handle?.close());

    describe('embedders', () => {
      it('an index belongs to the embedder that wrote it first; another one is refused, naming both', async () => {
        expect(await store.indexOwner(A)).toBe(LOCAL.id);
        const refused = store.upsertChunks(A, OTHER, [chunk('a9', 'x.md', 'x', axisVector(5))]);
        await expect(refused).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/"local-hash-v1:1024", not "openai:bge-m3:1024"/) });
        expect(await store.countChunks('t1', A.root)).toBe(3);
      });

      it('refuses an embedder whose vectors are wider than the column', async () => {
        await expect(store.claimIndex({ tenant: 't1', root: '/data/c' }, { id: 'wide:1536', dimensions: 1536 })).rejects.toMatchObject({
          code: 'BAD_INPUT',
          message: expect.stringMatching(/makes 1536-dimension vectors; the chunks table stores at most 1024/),
        });
      });

      it('stores a narrower model zero-padded: cosine scores stay those of its own vectors; its dimension is recorded', async () => {
        const small = { id: 'onnx:small@1:4', dimensions: 4 };
        const scope = { tenant: 't-small', root: '/data/small' };
        await store.upsertChunks(scope, small, [chunk('s1', 's.md', 'small one', [1, 0, 0, 0]), chunk('s2', 's.md', 'small two', [0.6, 0.8, 0, 0])]);
        const hits = await store.vectorTopK({ tenant: 't-small' }, small.id, [1, 0, 0, 0], 5);
        expect(hits.map((h) => [h.id, Math.round(h.score * 1000) / 1000])).toEqual([
          ['s1', 1],
          ['s2', 0.6],
        ]);
        const { rows } = await handle.sql.query<{ dimensions: number }>('SELECT dimensions FROM vector_indexes WHERE tenant = $1', ['t-small']);
        expect(rows).toEqual([{ dimensions: 4 }]);
        await expect(store.upsertChunks(scope, small, [chunk('s3', 's.md', 'x', [1, 0, 0])])).rejects.toMatchObject({ code: 'BAD_INPUT' });
      });

      it('existingIds counts only vectors of the asked embedder', async () => {
        expect(await store.existingIds('t1', ['a1', 'a3', 'zz'], LOCAL.id)).toEqual(new Set(['a1', 'a3']));
        expect(await store.existingIds('t1', ['a1'], OTHER.id)).toEqual(new Set());
        expect(await store.existingIds('t2', ['a1'], LOCAL.id)).toEqual(new Set());
      });
    });

    describe('search', () => {
      it('vector top-k: nearest by cosine first, with similarity scores; one tenant only', async () => {
        const hits = await store.vectorTopK({ tenant: 't1' }, LOCAL.id, axisVector(0), 3);
        expect(hits.map((h) => h.id)).toEqual(['a1', 'b1', 'a2']);
        expect(hits[0]!.score).toBeCloseTo(1, 5);
        expect(hits[2]!.score).toBeCloseTo(1 / Math.hypot(1, 0.5), 5);
        expect(hits[0]).toMatchObject({ root: A.root, path: 'docs/harbour.md', startLine: 1, endLine: 3, metadata: { context: 'ctx a1' } });
      });

      it('full-text top-k: chunks with every word first, then chunks with any of the loose words', async () => {
        const strictOnly = await store.textTopK({ tenant: 't1' }, { strict: 'harbour master tide' }, 10);
        expect(strictOnly.map((h) => h.id)).toEqual(['a1']);
        expect(strictOnly[0]!.score).toBeGreaterThan(0);
        const loosened = await store.textTopK({ tenant: 't1' }, { strict: 'harbour master tide', anyOf: ['harbour', 'cents'] }, 10);
        expect(loosened[0]!.id).toBe('a1');
        expect(loosened.map((h) => h.id).sort()).toEqual(['a1', 'a2', 'b1']);
        expect(await store.textTopK({ tenant: 't1' }, { strict: 'nonexistentword', anyOf: ['nonexistentword'] }, 10)).toEqual([]);
      });

      it('BM25: the scores of a reference BM25 over the same field-weighted terms, best first; one tenant only', async () => {
        const query = 'harbour tide ledger';
        const hits = await store.lexicalTopK({ tenant: 't1' }, query, 10);
        const { rows } = await handle.sql.query<{ id: string }>('SELECT id FROM chunks WHERE tenant = $1', ['t1']);
        const expected = referenceBm25(
          await store.chunksByIds(
            't1',
            rows.map((r) => r.id),
          ),
          query,
        );
        expect(expected.length).toBeGreaterThan(2);
        expect(hits.map((h) => h.id)).toEqual(expected.map((e) => e.id));
        hits.forEach((hit, i) => expect(hit.score).toBeCloseTo(expected[i]!.score, 4));
        expect(await store.lexicalTopK({ tenant: 't1' }, 'nonexistentword', 10)).toEqual([]);
        // Candidates from one posting per term: fewer chunks may come back, each with its exact BM25 score.
        const narrow = await createVectorStore({ sql: handle.sql, bm25: { postingsPerTerm: 1, minCandidates: 1 } }).lexicalTopK({ tenant: 't1' }, query, 1);
        expect(narrow).toHaveLength(1);
        expect(narrow[0]!.score).toBeCloseTo(expected.find((e) => e.id === narrow[0]!.id)!.score, 4);
      });

      it('BM25 finds identifiers by their parts and weighs a declared name above a mention', async () => {
        await store.upsertChunks({ tenant: 't-lex', root: '/lex' }, LOCAL, [
          {
            ...chunk('l1', 'src/stream.ts', 'export declare function createReadStream(path: string): ReadStream;', axisVector(4)),
            metadata: { symbols: ['function createReadStream'], names: ['fs.createReadStream'] },
          },
          {
            ...chunk('l2', 'docs/usage.md', 'Call createReadStream to read a file as a stream; see the stream guide.', axisVector(4)),
            metadata: { context: 'Usage' },
          },
          { ...chunk('l3', 'docs/ko.md', '벡터 검색은 질문과 의미가 가까운 문서를 찾습니다.', axisVector(4)), metadata: {} },
        ]);
        expect((await store.lexicalTopK({ tenant: 't-lex' }, 'create read stream', 10)).map((h) => h.id)).toEqual(['l1', 'l2']);
        expect((await store.lexicalTopK({ tenant: 't-lex' }, 'fs.createReadStream', 10))[0]!.id).toBe('l1');
        expect((await store.lexicalTopK({ tenant: 't-lex' }, '문서 검색', 10)).map((h) => h.id)).toEqual(['l3']);
      });

      it('websearch syntax in the strict pass: OR and exclusion', async () => {
        const hits = await store.textTopK({ tenant: 't1' }, { strict: 'cents or predictTide' }, 10);
        expect(hits.map((h) => h.id).sort()).toEqual(['a2', 'a3']);
        expect((await store.textTopK({ tenant: 't1' }, { strict: 'harbour -another' }, 10)).map((h) => h.id)).toEqual(['a1']);
      });

      it('leaves words found in over 1% of all chunks out of the loose pass (Postgres statistics)', async () => {
        const filler = Array.from({ length: 150 }, (_, i) => chunk(`f${i}`, `fill/${i}.md`, `filler harbour number ${i}`, axisVector(3)));
        await store.upsertChunks({ tenant: 'fill', root: '/fill' }, LOCAL, filler);
        await handle.sql.exec('ANALYZE chunks');
        const fresh = createVectorStore({ sql: handle.sql });
        const hits = await fresh.textTopK({ tenant: 't1' }, { strict: 'nomatch', anyOf: ['harbour', 'predicttide'] }, 10);
        expect(hits.map((h) => h.id)).toEqual(['a3']);
        await fresh.deleteChunksOfDocuments(
          { tenant: 'fill', root: '/fill' },
          filler.map((f) => f.path),
        );
      });

      it('filters by root, path prefix (LIKE characters taken literally) and kind', async () => {
        const byRoot = await store.vectorTopK({ tenant: 't1', roots: [B.root] }, LOCAL.id, axisVector(0), 10);
        expect(byRoot.map((h) => h.id)).toEqual(['b1']);
        const byPrefix = await store.vectorTopK({ tenant: 't1', pathPrefixes: ['docs/100%_'] }, LOCAL.id, axisVector(0), 10);
        expect(byPrefix.map((h) => h.id)).toEqual(['a2']);
        expect(await store.vectorTopK({ tenant: 't1', pathPrefixes: ['docs/1000'] }, LOCAL.id, axisVector(0), 10)).toEqual([]);
        const byKind = await store.textTopK({ tenant: 't1', kinds: ['code-declaration'] }, { strict: 'predicttide' }, 10);
        expect(byKind.map((h) => h.id)).toEqual(['a3']);
      });
    });

    describe('changes', () => {
      it('moves a chunk to new lines without touching its vector', async () => {
        expect(await store.updatePositions('t1', [{ id: 'a3', startLine: 10, endLine: 12 }])).toBe(1);
        const [hit] = await store.vectorTopK({ tenant: 't1', kinds: ['code-declaration'] }, LOCAL.id, axisVector(1), 1);
        expect(hit).toMatchObject({ id: 'a3', startLine: 10, endLine: 12 });
        expect(hit!.score).toBeCloseTo(1, 5);
      });

      it('deletes the chunks of documents except the ones to keep', async () => {
        await store.upsertChunks(A, LOCAL, [chunk('a4', 'docs/harbour.md', 'a second harbour chunk', axisVector(2))]);
        expect(await store.deleteChunksOfDocuments(A, ['docs/harbour.md'], ['a4'])).toEqual(['a1']);
        expect((await store.chunksOfDocuments(A, ['docs/harbour.md'])).map((c) => c.id)).toEqual(['a4']);
        expect(await store.countChunks('t2')).toBe(1);
      });

      it('keeps per-file state and tells a run its own files', async () => {
        const state = createIndexStateStore(handle.sql);
        await state.upsert(A, 'job-1/1', [
          { path: 'docs/harbour.md', size: 42, mtimeMs: 1712345678901.123, sha256: 'abc', chunkIds: ['a4'], lastChange: 'updated' },
        ]);
        await state.touch(A, [{ path: 'docs/harbour.md', size: 43, mtimeMs: 1712345679999.5 }]);
        expect((await state.load(A)).get('docs/harbour.md')).toEqual({
          path: 'docs/harbour.md',
          size: 43,
          mtimeMs: 1712345679999.5,
          sha256: 'abc',
          chunkIds: ['a4'],
          runKey: 'job-1/1',
          lastChange: 'updated',
        });
        expect(await state.changesOfRun(A, 'job-1/1')).toEqual([{ path: 'docs/harbour.md', change: 'updated' }]);
        await state.remove(A, ['docs/harbour.md']);
        expect((await state.load(A)).size).toBe(0);
      });

      it('keeps the BM25 statistics (df, N, total length) those of the stored chunks through re-index, delete and drop', async () => {
        const one = { tenant: 't-stats', root: '/stats/one' };
        const two = { tenant: 't-stats', root: '/stats/two' };
        const stored = async () => {
          const { rows } = await handle.sql.query<{ id: string }>('SELECT id FROM chunks WHERE tenant = $1', ['t-stats']);
          return store.chunksByIds(
            't-stats',
            rows.map((r) => r.id),
          );
        };
        const check = async () => {
          const expected = expectedStatistics(await stored());
          expect(await keptStatistics(handle.sql, 't-stats')).toEqual(expected);
          return expected;
        };
        await store.upsertChunks(one, LOCAL, [
          chunk('st1', 'docs/one.md', 'alpha beta createReadStream', axisVector(6)),
          chunk('st2', 'docs/one.md', 'alpha gamma', axisVector(6)),
          chunk('st3', 'docs/two.md', 'beta delta 검색은', axisVector(6)),
        ]);
        await store.upsertChunks(two, LOCAL, [chunk('rt1', 'docs/one.md', 'alpha alpha', axisVector(6))]);
        expect((await check()).df).toMatchObject({ alpha: 3, beta: 2, create: 1, 검색: 1 });

        // Re-index: the same chunk written again with other words, and a changed file whose old chunk goes.
        await store.upsertChunks(one, LOCAL, [chunk('st1', 'docs/one.md', 'gamma epsilon', axisVector(6))]);
        await store.upsertChunks(one, LOCAL, [chunk('st4', 'docs/one.md', 'alpha zeta', axisVector(6))]);
        expect(await store.deleteChunksOfDocuments(one, ['docs/one.md'], ['st1', 'st4'])).toEqual(['st2']);
        const afterReindex = await check();
        expect(afterReindex.df).toMatchObject({ alpha: 2, gamma: 1, beta: 1 });
        expect(afterReindex.df.create).toBeUndefined();

        // A deleted file and a dropped root take their terms and lengths with them.
        await store.deleteChunksOfDocuments(one, ['docs/two.md']);
        await store.dropIndex(two);
        const afterDelete = await check();
        expect(afterDelete.chunks).toBe(2);
        expect(afterDelete.df).toMatchObject({ alpha: 1, gamma: 1, epsilon: 1, zeta: 1 });
        expect([afterDelete.df.beta, afterDelete.df.delta, afterDelete.df['검색']]).toEqual([undefined, undefined, undefined]);

        // Scores use the kept statistics: still the reference BM25 of what is stored.
        const hits = await store.lexicalTopK({ tenant: 't-stats' }, 'alpha gamma', 10);
        const reference = referenceBm25(await stored(), 'alpha gamma');
        expect(hits.map((h) => h.id)).toEqual(reference.map((r) => r.id));
        hits.forEach((hit, i) => expect(hit.score).toBeCloseTo(reference[i]!.score, 4));

        await store.dropIndex(one);
        expect(await keptStatistics(handle.sql, 't-stats')).toEqual({ chunks: 0, totalLength: 0, df: {} });
      });

      it('drops the index of one root, and the claim with it', async () => {
        expect(await store.dropIndex(B)).toMatchObject({ chunks: 1 });
        expect(await store.indexOwner(B)).toBeNull();
        await store.claimIndex(B, OTHER);
        expect(await store.indexOwner(B)).toBe(OTHER.id);
      });
    });
  });
}

vectorStoreContract('PGlite (the embedded default)', async () => {
  const sql = await createPgliteClient(undefined);
  return { sql, close: () => sql.close() };
});

vectorStoreContract('PGlite on its own thread (what the service runs)', async () => {
  const sql = await createThreadedPgliteClient(undefined);
  return { sql, close: () => sql.close() };
});

vectorStoreContract('the real Postgres with pgvector', async () => {
  const db = await createScratchDatabase('cogo_vs');
  const sql = createPostgresClient(db.url);
  return {
    sql,
    async close() {
      await sql.close();
      await db.drop();
    },
  };
});
