import { AppError } from '../errors.js';
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
 * A batch refused for its data is never dropped whole: it is split in halves until the rows that fail are
 * alone, so one bad row (text Postgres cannot hold, issue 9) costs only itself and every other row of the window
 * is written. Rows that still fail are logged, not retried: what feeds these writers are copies (events stay in
 * Redis), or records whose loss must not fail the request that caused them.
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
    writing = writing.then(async () => {
      const failed = await writeIsolating(batch);
      if (failed.rows > 0) logger.warn({ err: failed.first, count: failed.rows, batch: batch.length }, `could not write ${options.what}`);
    });
    return writing;
  }

  /** Writes `rows`, bisecting a failed write; returns how many rows could not be written and the first error. */
  async function writeIsolating(rows: T[]): Promise<{ rows: number; first: unknown }> {
    try {
      await write(rows);
      return { rows: 0, first: undefined };
    } catch (error) {
      // Only a row can be at fault for a data error; a lost connection would fail every half again, slowly.
      if (rows.length === 1 || !isRowDataError(error)) return { rows: rows.length, first: error };
      const middle = Math.ceil(rows.length / 2);
      const left = await writeIsolating(rows.slice(0, middle));
      const right = await writeIsolating(rows.slice(middle));
      return { rows: left.rows + right.rows, first: left.first ?? right.first };
    }
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

/**
 * SQLSTATE class 22 (data exception: a NUL, a bad timestamp) or 23 (integrity): the rows are at fault, not the
 * database. The SQL clients map errors to AppErrors (mapPgError), which keep the database's error as their cause.
 */
export function isRowDataError(error: unknown): boolean {
  const database = error instanceof AppError ? error.cause : error;
  const code = (database as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code);
}
