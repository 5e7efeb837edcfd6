import type { Logger } from '../observability/logger.js';

export interface BatchWriter<T> {
  push(row: T): void;
  /** Writes whatever is buffered; resolves when it is in the database. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Buffers rows and writes them as one statement per batch (every `intervalMs`, or once `maxBatch` wait), in
 * order, one batch at a time. One INSERT per batch instead of one per row keeps the hot paths that feed it fast.
 * A failed batch is logged, not retried: what feeds these writers are copies (events stay in Redis), or records
 * whose loss must not fail the request that caused them.
 */
export function createBatchWriter<T>(
  write: (rows: T[]) => Promise<void>,
  logger: Logger,
  options: { what: string; maxBatch?: number; intervalMs?: number },
): BatchWriter<T> {
  const maxBatch = options.maxBatch ?? 500;
  let buffer: T[] = [];
  let writing: Promise<void> = Promise.resolve();
  const timer = setInterval(() => void flush(), options.intervalMs ?? 250);
  timer.unref();

  function flush(): Promise<void> {
    if (buffer.length === 0) return writing;
    const batch = buffer;
    buffer = [];
    writing = writing.then(() => write(batch)).catch((error: unknown) => {
      logger.warn({ err: error, count: batch.length }, `could not write ${options.what}`);
    });
    return writing;
  }

  return {
    push(row) {
      buffer.push(row);
      if (buffer.length >= maxBatch) void flush();
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}
