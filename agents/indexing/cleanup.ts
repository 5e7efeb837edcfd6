import type { FileState, IndexScope, IndexStateStore, VectorStore } from '../../src/vectors/index.js';
import type { IndexGraphWriter } from './graph-writer.js';
import { documentId } from './ids.js';
import { mentionedEntityIds } from './mentions.js';
import type { ScanResult } from './scan.js';

export interface CleanupDeps {
  vectors: VectorStore;
  state: IndexStateStore;
  graph: IndexGraphWriter;
}

const PAGE = 200;

/**
 * Files the index knows that the scan no longer found: their graph nodes, chunks and state go, in that order,
 * state last, so a crash part-way leaves them to the next attempt. `onPage` records progress after each page.
 */
export async function deleteVanished(deps: CleanupDeps, scope: IndexScope, paths: readonly string[], signal: AbortSignal, onPage: (deleted: number) => Promise<void>): Promise<void> {
  for (let i = 0; i < paths.length; i += PAGE) {
    signal.throwIfAborted();
    const page = paths.slice(i, i + PAGE);
    await deps.graph.deleteDocuments(scope, page.map((p) => documentId(scope, p)));
    await deps.vectors.deleteChunksOfDocuments(scope, page);
    await deps.state.remove(scope, page);
    await onPage(page.length);
  }
}

/**
 * MENTIONS of the chunks of files written in this run, against every entity of the root, now that all of
 * them are in the graph: a chunk can mention a function defined in a file indexed after it. Chunks of files
 * that did not change keep their links; entities those files name for the first time link on their next change
 * or on a `full` run.
 */
export async function linkMentions(deps: CleanupDeps, scope: IndexScope, paths: readonly string[], signal: AbortSignal): Promise<number> {
  if (paths.length === 0) return 0;
  const names = await deps.graph.entityNames(scope);
  let links = 0;
  for (let i = 0; i < paths.length; i += PAGE) {
    signal.throwIfAborted();
    const chunks = await deps.vectors.chunksOfDocuments(scope, paths.slice(i, i + PAGE));
    const batch = chunks.map((chunk) => ({ chunkId: chunk.id, entityIds: mentionedEntityIds(chunk.content, chunk.kind, names) }));
    links += batch.reduce((sum, l) => sum + l.entityIds.length, 0);
    await deps.graph.linkMentions(scope, batch);
    // Regex over a page of chunk text: let the lease renewal and progress timer run in between.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return links;
}

/**
 * Known files the scan did not return: deleted, renamed, now ignored, binary or too large. Files (and folders)
 * the scan could not read are kept: unreadable for now is not gone.
 */
export function vanishedPaths(scan: ScanResult, states: Map<string, FileState>): string[] {
  const present = new Set(scan.files.map((f) => f.path));
  const unreadable = scan.skipped.filter((s) => s.reason === 'unreadable').map((s) => s.path);
  const keep = (p: string) => unreadable.some((u) => u === p || (u.endsWith('/') && p.startsWith(u)));
  return [...states.keys()].filter((p) => !present.has(p) && !keep(p)).sort();
}
