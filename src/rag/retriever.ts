import { realpath } from 'node:fs/promises';
import path from 'node:path';
import type { Embedder } from '../embeddings/types.js';
import { AppError } from '../errors.js';
import type { SearchScope, StoredChunk, VectorStore } from '../vectors/index.js';
import { describeEmbedder } from './embedder-info.js';
import { reciprocalRankFusion } from './fusion.js';
import { entityNamesIn, type EntityChunkFinder } from './entity-signal.js';
import type { GraphExpander } from './graph-expansion.js';
import { toTextQuery, usesWebsearchSyntax } from './text-query.js';
import type { RagEvent, SearchItem, SearchRequest, SearchResult } from './types.js';

export interface RetrieverDeps {
  vectors: VectorStore;
  embedder: Embedder;
  expand: GraphExpander;
  /**
   * The graph signal: chunks of the entities the question names, fused as a third list. Absent, retrieval fuses
   * dense and lexical only (the benchmark's "fused" row; with it, "fused + graph").
   */
  entities?: EntityChunkFinder;
}

export interface Retriever {
  search(request: SearchRequest): Promise<SearchResult>;
  /** The same retrieval as `search`, each item sent as soon as its graph expansion is in: `rag.item`…, `rag.done`. */
  stream(request: SearchRequest): AsyncGenerator<RagEvent>;
}

const MAX_QUERY_CHARS = 4000;
const MAX_K = 100;
const MAX_FILTER_VALUES = 50;

/**
 * Hybrid retrieval: vector top-n, BM25 top-n and (when configured) the chunks of entities the question names,
 * fused by reciprocal rank, then 1-hop graph expansion.
 */
export function createRetriever(deps: RetrieverDeps): Retriever {
  const info = describeEmbedder(deps.embedder);

  async function retrieve(request: SearchRequest) {
    const started = performance.now();
    const { query, k, scope } = await validate(request);
    const [vector] = await deps.embedder.embed([query], request.signal ? { signal: request.signal } : {});
    const embedded = performance.now();
    // More candidates than k from each side: fusion needs overlap to reward chunks both retrievers like.
    const candidates = Math.min(200, Math.max(3 * k, 30));
    const names = deps.entities ? entityNamesIn(query) : [];
    const [byVector, byText, byEntity] = await Promise.all([
      deps.vectors.vectorTopK(scope, deps.embedder.id, vector!, candidates),
      // BM25 over code-aware terms; a query in websearch syntax (quotes, -word, or) gets Postgres full-text, which honours it.
      usesWebsearchSyntax(query) ? deps.vectors.textTopK(scope, toTextQuery(query), candidates) : deps.vectors.lexicalTopK(scope, query, candidates),
      names.length > 0 ? deps.entities!(scope, names) : Promise.resolve([]),
    ]);
    const searched = performance.now();
    const chunks = new Map<string, StoredChunk>([...byText, ...byVector].map((hit) => [hit.id, hit]));
    const fused = reciprocalRankFusion([byVector.map((h) => h.id), byText.map((h) => h.id), byEntity]).slice(0, k);
    // A chunk only the graph found is read once it has made the top k.
    const unread = fused.map((f) => f.id).filter((id) => !chunks.has(id));
    if (unread.length > 0) for (const chunk of await deps.vectors.chunksByIds(scope.tenant, unread)) chunks.set(chunk.id, chunk);
    const items: SearchItem[] = fused
      .filter((f) => chunks.has(f.id))
      .map((fused, index) => {
        const chunk = chunks.get(fused.id)!;
        const [vectorRank, textRank] = fused.ranks;
        return {
          rank: index + 1,
          chunkId: chunk.id,
          documentId: null,
          root: chunk.root,
          path: chunk.path,
          startLine: chunk.startLine,
          endLine: chunk.endLine,
          kind: chunk.kind,
          context: typeof chunk.metadata.context === 'string' ? chunk.metadata.context : null,
          content: chunk.content,
          score: {
            vectorRank: vectorRank ?? null,
            vectorScore: vectorRank ? round(byVector[vectorRank - 1]!.score) : null,
            textRank: textRank ?? null,
            textScore: textRank ? round(byText[textRank - 1]!.score) : null,
            rrf: round(fused.rrf),
          },
          neighbors: [],
          evidence: [],
        };
      });
    const timings = { embedMs: ms(embedded - started), searchMs: ms(searched - embedded) };
    return { query, scope, items, started, timings, expand: request.filters?.expand ?? true };
  }

  return {
    async search(request) {
      const retrieved = await retrieve(request);
      const before = performance.now();
      if (retrieved.expand) {
        const expansions = await deps.expand(
          retrieved.scope.tenant,
          retrieved.items.map((i) => i.chunkId),
        );
        for (const item of retrieved.items) Object.assign(item, expansions.get(item.chunkId) ?? {});
      }
      const done = performance.now();
      return {
        query: retrieved.query,
        embedder: info.id,
        localEmbedder: info.local,
        embedderDescription: info.description,
        items: retrieved.items,
        tookMs: ms(done - retrieved.started),
        timings: { ...retrieved.timings, expandMs: ms(done - before) },
      };
    },
    async *stream(request) {
      const retrieved = await retrieve(request);
      const expansions = retrieved.items.map((item) =>
        retrieved.expand ? deps.expand(retrieved.scope.tenant, [item.chunkId]).then((m) => m.get(item.chunkId)) : Promise.resolve(undefined),
      );
      // Started together, sent in rank order: the first item goes out as soon as its own expansion is done.
      // Each is awaited below in rank order, where its failure is thrown; this only keeps the ones after a failed
      // one (never awaited, the stream has ended) from becoming unhandled rejections.
      expansions.forEach((p) => p.catch(() => {}));
      let seq = 0;
      for (const [index, item] of retrieved.items.entries()) {
        Object.assign(item, (await expansions[index]) ?? {});
        yield { type: 'rag.item', seq: ++seq, item, done: null };
      }
      const tookMs = ms(performance.now() - retrieved.started);
      yield { type: 'rag.done', seq: ++seq, item: null, done: { count: retrieved.items.length, embedder: info.id, localEmbedder: info.local, tookMs } };
    },
  };
}

async function validate(request: SearchRequest): Promise<{ query: string; k: number; scope: SearchScope }> {
  const query = request.query.trim();
  if (query === '') throw badInput('the query is empty');
  // Postgres text cannot hold U+0000: without this check the full-text pass failed with an unlogged INTERNAL.
  if (query.includes('\0')) throw badInput('the query contains a NUL character (U+0000)');
  if (query.length > MAX_QUERY_CHARS) throw badInput(`the query is ${query.length} characters; the limit is ${MAX_QUERY_CHARS}`);
  const k = request.k ?? 10;
  if (!Number.isInteger(k) || k < 1 || k > MAX_K) throw badInput(`k must be an integer from 1 to ${MAX_K}`);
  const filters = request.filters ?? {};
  for (const [name, values] of Object.entries({ roots: filters.roots, pathPrefixes: filters.pathPrefixes, kinds: filters.kinds })) {
    if (values && values.length > MAX_FILTER_VALUES) throw badInput(`filters.${name} has ${values.length} values; the limit is ${MAX_FILTER_VALUES}`);
    if (values?.some((value) => value.includes('\0'))) throw badInput(`filters.${name} contains a NUL character (U+0000)`);
  }
  const roots = filters.roots?.length ? await Promise.all(filters.roots.map(canonicalRoot)) : null;
  return { query, k, scope: { tenant: request.tenant, roots, pathPrefixes: filters.pathPrefixes ?? null, kinds: filters.kinds ?? null } };
}

/** Roots are stored as real absolute paths; a filter may name one through a symlink or relative to the cwd. */
async function canonicalRoot(root: string): Promise<string> {
  const absolute = path.resolve(root);
  return realpath(absolute).catch(() => absolute);
}

function badInput(message: string): AppError {
  return new AppError('BAD_INPUT', message, { via: 'rag' });
}

const round = (value: number) => Math.round(value * 1e6) / 1e6;
const ms = (value: number) => Math.round(value * 100) / 100;
