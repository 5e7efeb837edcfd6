import { randomUUID } from 'node:crypto';
import type { IndexingInput } from '../agents/indexing/index.js';
import { createLogger } from '../src/observability/logger.js';
import type { JobContext } from '../src/queue/job-context.js';

/** The value below which `p` % of `values` fall (nearest rank), to 0.1. */
export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 10) / 10 : NaN;
};

export const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/** A job context for running the indexing agent in the benchmark's own process: no queue, no events. */
export function benchContext(input: IndexingInput, tenant: string): JobContext<IndexingInput> {
  let checkpoint: unknown;
  const noop = async () => {};
  return {
    jobId: `indexing-${randomUUID()}`,
    area: 'indexing',
    input,
    traceId: 'bench',
    tenant,
    attempt: 1,
    workerId: 'bench',
    signal: new AbortController().signal,
    logger: createLogger({ level: 'silent' }),
    progress: noop,
    partial: noop,
    log: noop,
    emit: noop,
    checkpoint: { get: async <T>() => checkpoint as T | undefined, set: async (value) => void (checkpoint = structuredClone(value)) },
    // One run in one process, no queue: the lease is never lost.
    assertLease: noop,
  };
}
