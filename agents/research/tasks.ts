import { canonicalizeUrl, type SourceRef } from '../../ingest/sources/index.js';
import { planQueries, queriesFor, type Hint } from './plan.js';
import type { SourceRegistry } from './sources.js';
import type { FetchTask, SearchTask, SourceKind } from './types.js';

/** One spelling per resource in task keys, so `/a?utm_source=x` and `/a` are fetched once. */
export function refKey(url: string): string {
  try {
    return canonicalizeUrl(url);
  } catch {
    return url;
  }
}

export function fetchTask(source: string, kind: SourceKind, ref: SourceRef, hinted: boolean): FetchTask {
  return { key: `${source}|${refKey(ref.url)}`, source, kind, ref, hinted };
}

/** Hints → the fetches the caller asked for and the searches to run with the planned queries. */
export function tasksFor(hints: readonly Hint[], plan: ReturnType<typeof planQueries>, registry: SourceRegistry) {
  const fetches: FetchTask[] = [];
  const searches: SearchTask[] = [];
  const queries: Record<string, string[]> = {};
  for (const hint of hints) {
    if (hint.type === 'url') {
      const task = hint.url.startsWith('graph://')
        ? fetchTask('graph', 'graph', { url: hint.url }, true)
        : fetchTask(registry.webKey(hint.url), 'web', { url: hint.url }, true);
      if (!fetches.some((f) => f.key === task.key)) fetches.push(task);
    } else if (hint.type === 'package') {
      const task = fetchTask('npm', 'npm', registry.npmRef(hint.name), true);
      if (!fetches.some((f) => f.key === task.key)) fetches.push(task);
    } else {
      const source = hint.kind === 'api' ? `api:${hint.api}` : hint.kind;
      const list = queriesFor(hint.kind, plan);
      queries[source] = list;
      for (const query of list) searches.push({ key: `${source}|${query}`, source, kind: hint.kind, query });
    }
  }
  return { fetches, searches, queries };
}
