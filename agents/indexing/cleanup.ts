import type { FileState, IndexScope, IndexStateStore, StoredChunk, VectorStore } from '../../src/vectors/index.js';
import type { IndexGraphWriter } from '../../src/graph/index-graph-writer.js';
import { documentId } from './ids.js';
import { isLinkableName, mentionedEntityIds } from './mentions.js';
import type { ScanResult } from './scan.js';

export interface CleanupDeps {
  vectors: VectorStore;
  state: IndexStateStore;
  graph: IndexGraphWriter;
}

const PAGE = 200;
const MAX_LIKE_PATTERNS = 100;

/**
 * Files the index knows that the scan no longer found: their graph nodes, chunks and state go, in that order,
 * state last, so a crash part-way leaves them to the next attempt. `onPage` records progress after each page.
 */
export async function deleteVanished(
  deps: CleanupDeps,
  scope: IndexScope,
  paths: readonly string[],
  signal: AbortSignal,
  onPage: (deleted: number) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < paths.length; i += PAGE) {
    signal.throwIfAborted();
    const page = paths.slice(i, i + PAGE);
    await deps.graph.deleteDocuments(
      scope,
      page.map((p) => documentId(scope, p)),
    );
    await deps.vectors.deleteChunksOfDocuments(scope, page);
    await deps.state.remove(scope, page);
    await onPage(page.length);
  }
}

/**
 * MENTIONS of the chunks of files written in this run, against every entity of the root, now that all of
 * them are in the graph: a chunk can mention a function defined in a file indexed after it. Then the chunks of
 * files that did not change but name an entity the changed files define: that entity may be new, or have moved
 * to another file (a new id), and their links must follow. Links to entities that vanished go with them
 * (`deleteOrphans`). Returns the number of links written.
 */
export async function linkMentions(deps: CleanupDeps, scope: IndexScope, paths: readonly string[], signal: AbortSignal): Promise<number> {
  if (paths.length === 0) return 0;
  const names = await deps.graph.entityNames(scope);
  const link = async (chunks: readonly StoredChunk[]) => {
    if (chunks.length === 0) return 0;
    const batch = chunks.map((chunk) => ({ chunkId: chunk.id, entityIds: mentionedEntityIds(chunk.content, chunk.kind, names) }));
    await deps.graph.linkMentions(scope, batch);
    // Regex over a page of chunk text: let the lease renewal and progress timer run in between.
    await new Promise((resolve) => setImmediate(resolve));
    return batch.reduce((sum, l) => sum + l.entityIds.length, 0);
  };
  let links = 0;
  for (let i = 0; i < paths.length; i += PAGE) {
    signal.throwIfAborted();
    links += await link(await deps.vectors.chunksOfDocuments(scope, paths.slice(i, i + PAGE)));
  }
  const definedNames = await deps.graph.namesDefinedBy(
    scope,
    paths.map((p) => documentId(scope, p)),
  );
  // Generic names never link: searching chunks for them would only read text to throw away.
  const defined = new Map(definedNames.filter((name) => names.has(name) && isLinkableName(name)).map((name) => [name, names.get(name)!]));
  // A few names: Postgres narrows the chunks by substring. Many (a large change): every other chunk of the root
  // is read once and tested here, which costs less than thousands of LIKE patterns per row.
  const words = defined.size <= MAX_LIKE_PATTERNS ? [...defined.keys()] : null;
  for (let after = ''; defined.size > 0;) {
    signal.throwIfAborted();
    const page = await deps.vectors.chunksContaining(scope, words, paths, after, PAGE);
    if (page.length === 0) break;
    links += await link(page.filter((chunk) => mentionedEntityIds(chunk.content, chunk.kind, defined).length > 0));
    after = page.at(-1)!.id;
  }
  return links;
}

/** Skips that do not mean a file is gone: it is still there, only unreadable for now or over the job's limit. */
const KEPT_ALWAYS: ReadonlySet<string> = new Set(['unreadable', 'job-byte-limit']);

/**
 * Known files the scan did not return and that must go: deleted, renamed, now binary, too large or a symlink out.
 * Files the scan could not read (or left out at the job's byte limit) are kept: unreadable for now is not gone.
 * Files that only fell out of the job's include/exclude filter (or a .gitignore) are kept too, unless the job
 * says `prune`: an `include` that matches nothing must not empty the index (issue 9).
 */
export function vanishedPaths(scan: ScanResult, states: Map<string, FileState>, options: { prune: boolean }): string[] {
  const present = new Set(scan.files.map((f) => f.path));
  const kept = scan.skipped.filter((s) => KEPT_ALWAYS.has(s.reason) || (s.reason === 'ignored' && !options.prune)).map((s) => s.path);
  const keep = (p: string) => kept.some((k) => k === p || (k.endsWith('/') && p.startsWith(k)));
  return [...states.keys()].filter((p) => !present.has(p) && !keep(p)).sort();
}
