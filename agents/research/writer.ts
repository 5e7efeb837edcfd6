import type { JobContext } from '../../src/queue/job-context.js';
import type { ResearchCheckpoint, FetchRecord } from './checkpoint.js';
import type { EvidenceStore } from '../../src/evidence/evidence-store.js';
import type { Merger } from './merge.js';
import { rank, type Freshness } from './rank.js';
import type { Candidate, EvidenceItem, FetchTask } from './types.js';

export interface BatchWriterOptions {
  ctx: Pick<JobContext, 'jobId' | 'tenant' | 'checkpoint' | 'partial'>;
  store: EvidenceStore;
  checkpoint: ResearchCheckpoint;
  merger: Merger;
  terms: readonly string[];
  freshness: Freshness;
  /** Called once with the first write failure, so the run can stop fetching what it could not store. */
  onFatal: (error: unknown) => void;
}

/** What a partial event carries of an item: everything but the text. */
export function publicItem(item: EvidenceItem): EvidenceItem {
  return { ...item, ...(item.duplicates ? { duplicates: item.duplicates.map((d) => ({ ...d })) } : {}) };
}

/**
 * Accepted evidence goes out in batches, each in the same order: MERGE into Neo4j → checkpoint → `research.partial`.
 * Flushes run one at a time; whatever arrives while one runs forms the next batch, so batches grow with the
 * arrival rate without a timer. A checkpoint therefore never names evidence the graph does not have.
 */
export function createBatchWriter(options: BatchWriterOptions) {
  const { ctx, store, checkpoint, merger } = options;
  let pending: Array<{ candidate: Candidate; task: FetchTask }> = [];
  let dirty = false;
  let chain: Promise<void> = Promise.resolve();
  let failure: unknown;
  let batches = 0;
  let stored = 0;

  async function flush(): Promise<void> {
    if (failure !== undefined || (pending.length === 0 && !dirty)) return;
    const batch = pending;
    pending = [];
    dirty = false;
    await store.write(
      ctx.jobId,
      ctx.tenant,
      batch.map((b) => b.candidate),
    );
    for (const { candidate, task } of batch) {
      checkpoint.fetched[task.key] = { id: candidate.item.id, source: task.source, kind: task.kind, hinted: task.hinted };
    }
    await ctx.checkpoint.set(checkpoint);
    if (batch.length === 0) return;
    stored += batch.length;
    batches++;
    // Provisional scores: IDF and the best BM25 change as more evidence arrives; research.done has the final ones.
    rank(merger.kept(), options.terms, options.freshness);
    await ctx.partial({ batch: batches, stored, items: batch.map((b) => publicItem(b.candidate.item)) });
  }

  function schedule() {
    chain = chain.then(flush).catch((error: unknown) => {
      if (failure === undefined) {
        failure = error;
        options.onFatal(error);
      }
    });
  }

  return {
    add(candidate: Candidate, task: FetchTask) {
      pending.push({ candidate, task });
      schedule();
    },
    /** A duplicate is remembered at the next flush (its kept twin may still be on the way to the graph). */
    duplicate(task: FetchTask, record: Extract<FetchRecord, { duplicateOf: string }>) {
      checkpoint.fetched[task.key] = record;
      dirty = true;
      schedule();
    },
    saveSearch(key: string, refs: ResearchCheckpoint['searches'][string]) {
      checkpoint.searches[key] = refs;
      dirty = true;
      schedule();
    },
    async drain(): Promise<void> {
      schedule();
      await chain;
      if (failure !== undefined) throw failure;
    },
    stats: () => ({ batches, stored }),
  };
}

export type BatchWriter = ReturnType<typeof createBatchWriter>;
