import type { SqlClient } from '../db/sql-client.js';
import type { Logger } from '../observability/logger.js';
import { streamLabel, type BusEvent, type StreamName } from './event-types.js';

export interface EventSink {
  push(event: BusEvent, stream: StreamName): void;
  /** Writes whatever is buffered; resolves when it is in Postgres. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Batches events into Postgres `bus_events` (DESIGN §5): one INSERT per batch instead of one per event keeps the
 * event path fast; `ON CONFLICT (event_id)` makes a re-sent batch harmless.
 */
export function createSqlEventSink(sql: SqlClient, logger: Logger, options: { maxBatch?: number; intervalMs?: number } = {}): EventSink {
  const maxBatch = options.maxBatch ?? 500;
  let buffer: { event: BusEvent; stream: string }[] = [];
  let writing: Promise<void> = Promise.resolve();
  const timer = setInterval(() => void flush(), options.intervalMs ?? 250);
  timer.unref();

  function flush(): Promise<void> {
    if (buffer.length === 0) return writing;
    const batch = buffer;
    buffer = [];
    writing = writing.then(() => write(batch)).catch((error: unknown) => {
      // The Redis streams still hold these events; losing the log copy must not take the job path down.
      logger.warn({ err: error, count: batch.length }, 'could not write events to bus_events');
    });
    return writing;
  }

  async function write(rows: { event: BusEvent; stream: string }[]) {
    const batch = rows.map((r) => r.event);
    await sql.query(
      `INSERT INTO bus_events (event_id, stream, job_id, job_type, trace_id, seq, type, ts, data)
       SELECT * FROM unnest($1::text[], $9::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::timestamptz[], $8::jsonb[])
       ON CONFLICT (event_id) DO NOTHING`,
      [
        rows.map((r) => `${r.stream}/${r.event.id}`),
        batch.map((e) => e.jobId),
        batch.map((e) => (e.jobId ? e.jobId.split('-')[0] : null)),
        batch.map((e) => e.traceId),
        batch.map((e) => e.seq),
        batch.map((e) => e.type),
        batch.map((e) => e.ts),
        batch.map((e) => JSON.stringify(e.data)),
        rows.map((r) => r.stream),
      ],
    );
  }

  return {
    push(event, stream) {
      buffer.push({ event, stream: streamLabel(stream) });
      if (buffer.length >= maxBatch) void flush();
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}
