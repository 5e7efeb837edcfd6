import path from 'node:path';
import { embeddingText, type Chunk, type ChunkedFile } from '../../ingest/chunk-types.js';
import type { Embedder } from '../../ingest/embedders/index.js';
import type { ScannedFile } from '../../ingest/scanner.js';
import type { FileChange, IndexScope, IndexStateStore, VectorStore } from '../../src/vectors/index.js';
import type { LexicalTerms } from '../../src/vectors/lexical-terms.js';
import type { GraphDocument, IndexGraphWriter } from '../../src/graph/index-graph-writer.js';
import { chunkDescriptors } from './chunk-lexical.js';
import { chunkRowId, documentId, entityId } from './ids.js';

/** A changed file, read, hashed and chunked, waiting for its batch to be embedded and written. */
export interface PreparedFile {
  file: ScannedFile;
  sha256: string;
  change: FileChange;
  chunked: ChunkedFile;
  /** The BM25 terms of each chunk of `chunked`, computed with the chunking (CPU pool). */
  lexical: LexicalTerms[];
  title: string;
}

export interface BatchDeps {
  embedder: Embedder;
  vectors: VectorStore;
  state: IndexStateStore;
  graph: IndexGraphWriter;
}

export interface BatchContext {
  scope: IndexScope;
  jobId: string;
  /** `<jobId>/<run>`: marks rows this run wrote, so a re-claimed attempt can tell its own work apart. */
  runKey: string;
  signal: AbortSignal;
}

/**
 * Writes one batch of changed files. Order matters for crash safety: vectors and graph first (side by side),
 * then stale chunks are removed and the file state is recorded last. A crash anywhere leaves the files "changed"
 * for the next attempt, which finds their new chunks already stored (content-derived ids) and embeds nothing twice.
 */
export async function writeBatch(deps: BatchDeps, ctx: BatchContext, files: readonly PreparedFile[]): Promise<{ embedded: number; reused: number }> {
  const { scope } = ctx;
  const rows = files.flatMap((f) => f.chunked.chunks.map((chunk, i) => ({ rowId: chunkRowId(scope, chunk.id), chunk, lexical: f.lexical[i] })));
  const stored = await deps.vectors.existingIds(
    scope.tenant,
    rows.map((r) => r.rowId),
    deps.embedder.id,
  );
  const missing = rows.filter((r) => !stored.has(r.rowId));
  const reused = rows.filter((r) => stored.has(r.rowId));

  const storeVectors = async () => {
    if (missing.length > 0) {
      const vectors = await deps.embedder.embed(
        missing.map((r) => embeddingText(r.chunk)),
        { signal: ctx.signal },
      );
      ctx.signal.throwIfAborted();
      await deps.vectors.upsertChunks(
        scope,
        deps.embedder,
        missing.map((r, i) => ({
          id: r.rowId,
          path: r.chunk.path,
          startLine: r.chunk.startLine,
          endLine: r.chunk.endLine,
          kind: r.chunk.kind,
          content: r.chunk.text,
          contentHash: r.chunk.contentHash,
          embedding: vectors[i]!,
          metadata: chunkMetadata(r.chunk, ctx),
          ...(r.lexical ? { lexical: r.lexical } : {}),
        })),
      );
    }
    await deps.vectors.updatePositions(
      scope.tenant,
      reused.map((r) => ({ id: r.rowId, startLine: r.chunk.startLine, endLine: r.chunk.endLine })),
    );
  };
  // Postgres and Neo4j work side by side; both finish before the state says the files are done.
  await Promise.all([
    storeVectors(),
    deps.graph.writeDocuments(
      scope,
      ctx.jobId,
      files.map((f) => graphDocument(scope, f)),
    ),
  ]);
  await deps.vectors.deleteChunksOfDocuments(
    scope,
    files.map((f) => f.file.path),
    rows.map((r) => r.rowId),
  );
  await deps.state.upsert(
    scope,
    ctx.runKey,
    files.map((f) => ({
      path: f.file.path,
      size: f.file.size,
      mtimeMs: f.file.mtimeMs,
      sha256: f.sha256,
      chunkIds: f.chunked.chunks.map((c) => chunkRowId(scope, c.id)),
      lastChange: f.change,
    })),
  );
  return { embedded: missing.length, reused: reused.length };
}

function chunkMetadata(chunk: Chunk, ctx: BatchContext): Record<string, unknown> {
  return {
    chunkId: chunk.id,
    indexRun: ctx.runKey,
    ...chunkDescriptors(chunk),
  };
}

function graphDocument(scope: IndexScope, prepared: PreparedFile): GraphDocument {
  const { file, chunked } = prepared;
  return {
    id: documentId(scope, file.path),
    path: file.path,
    title: prepared.title,
    language: path.posix.extname(file.path).slice(1).toLowerCase() || 'text',
    size: file.size,
    sha256: prepared.sha256,
    chunks: chunked.chunks.map((c) => ({ id: chunkRowId(scope, c.id), startLine: c.startLine, endLine: c.endLine, kind: c.kind, title: chunkTitle(c) })),
    // `default` would merge every file's anonymous default export into one entity.
    symbols: chunked.symbols
      .filter((s) => s.name !== 'default')
      .map((s) => ({ id: entityId(scope, s.kind, s.name), kind: s.kind, name: s.name, exported: s.exported })),
    imports: chunked.imports
      .filter((i): i is typeof i & { resolvedPath: string } => i.resolvedPath !== undefined && i.resolvedPath !== file.path)
      .map((i) => ({ id: documentId(scope, i.resolvedPath), path: i.resolvedPath, specifier: i.specifier, kind: i.kind })),
  };
}

/** What Neo4j Browser shows on a chunk: its heading path, its declarations, or its lines. */
function chunkTitle(chunk: Chunk): string {
  if (chunk.context) return chunk.context;
  if (chunk.symbols?.length) return chunk.symbols.map((s) => s.name).join(', ');
  return `${chunk.path}:${chunk.startLine}-${chunk.endLine}`;
}
