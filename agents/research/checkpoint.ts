import type { SourceRef } from '../../ingest/sources/index.js';
import type { JobContext } from '../../src/queue/job-context.js';
import { signature } from './minhash.js';
import { countTerms, questionTerms, selectQuote } from './normalize.js';
import type { EvidenceStore } from '../../src/evidence/evidence-store.js';
import type { Merger } from './merge.js';
import type { Candidate, DuplicateNote, SourceKind, SourceNode } from './types.js';

/**
 * How far a research job got, in Redis (`ctx.checkpoint`). Written after each batch is in Neo4j, so what it
 * names as stored is there. A re-claimed attempt reads it, loads the stored evidence back from the graph and
 * neither searches nor fetches those again. A completed job clears it: a deliberate rerun starts afresh
 * (and its MERGEs find every node already there).
 */
export interface ResearchCheckpoint {
  v: 1;
  /** Search task key → the refs it returned. */
  searches: Record<string, SourceRef[]>;
  /** Fetch task key → what became of the fetch, in the order it happened. */
  fetched: Record<string, FetchRecord>;
}

export type FetchRecord = { id: string; source: string; kind: SourceKind; hinted: boolean } | { duplicateOf: string; note: DuplicateNote };

export const emptyCheckpoint = (): ResearchCheckpoint => ({ v: 1, searches: {}, fetched: {} });

export async function readCheckpoint(ctx: Pick<JobContext, 'checkpoint'>): Promise<ResearchCheckpoint> {
  const saved = await ctx.checkpoint.get<ResearchCheckpoint | { v: 1; completed: true }>();
  if (!saved || 'completed' in saved || saved.v !== 1) return emptyCheckpoint();
  return saved;
}

/** Rebuilds the candidates an earlier attempt stored; records whose evidence is not in the graph are dropped (refetched). */
export async function restore(options: {
  checkpoint: ResearchCheckpoint;
  store: EvidenceStore;
  merger: Merger;
  tenant: string;
  keywords: readonly string[];
  fallbackSource: (kind: SourceKind, source: string, url: string) => SourceNode;
}): Promise<number> {
  const { checkpoint, store, merger, tenant } = options;
  const terms = questionTerms(options.keywords);
  const kept = Object.entries(checkpoint.fetched).filter((e): e is [string, Extract<FetchRecord, { id: string }>] => 'id' in e[1]);
  const rows = new Map(
    (
      await store.loadByIds(
        tenant,
        kept.map(([, r]) => r.id),
      )
    ).map((row) => [row.id, row]),
  );
  let restored = 0;
  for (const [key, record] of kept) {
    const row = rows.get(record.id);
    if (!row) {
      delete checkpoint.fetched[key];
      continue;
    }
    if (merger.find(row.id)) continue;
    merger.accept(candidateFromStored(row, record, terms, options.fallbackSource));
    restored++;
  }
  for (const [key, record] of Object.entries(checkpoint.fetched)) {
    if ('id' in record) continue;
    const of = merger.find(record.duplicateOf);
    if (of) merger.noteDuplicate(of, record.note);
    else delete checkpoint.fetched[key];
  }
  return restored;
}

function candidateFromStored(
  row: Awaited<ReturnType<EvidenceStore['loadByIds']>>[number],
  record: Extract<FetchRecord, { id: string }>,
  terms: readonly string[],
  fallbackSource: (kind: SourceKind, source: string, url: string) => SourceNode,
): Candidate {
  const { termFreq, length } = countTerms(row.title, row.text, new Set(terms));
  const sourceNode = row.sources[0] ?? fallbackSource(record.kind, record.source, row.url);
  return {
    item: {
      id: row.id,
      sourceId: sourceNode.id,
      url: row.url,
      title: row.title,
      // The quote is re-selected: it depends on this job's question, not on whoever stored the evidence.
      quote: selectQuote(row.text, terms),
      retrievedAt: row.retrievedAt,
      contentHash: row.contentHash,
      score: 0,
      source: record.source,
      kind: record.kind,
      ...(row.publishedAt ? { publishedAt: row.publishedAt } : {}),
    },
    text: row.text,
    signature: signature(row.text),
    termFreq,
    length,
    hinted: record.hinted,
    sourceNode,
    linkSource: true,
  };
}
