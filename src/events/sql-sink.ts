import { createBatchWriter } from '../db/batch-writer.js';
import type { SqlClient } from '../db/sql-client.js';
import type { Logger } from '../observability/logger.js';
import type { EventBus } from './event-bus.js';
import { streamLabel, type BusEvent, type StreamName } from './event-types.js';

export interface EventSink {
  push(event: BusEvent, stream: StreamName): void;
  /** Writes whatever is buffered; resolves when it is in Postgres. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Batches events into Postgres `bus_events` (DESIGN §5); `ON CONFLICT (event_id)` makes a re-sent batch harmless.
 * The Redis streams still hold every event: losing the log copy must not take the job path down.
 */
export function createSqlEventSink(sql: SqlClient, logger: Logger, options: { maxBatch?: number; intervalMs?: number } = {}): EventSink {
  const writer = createBatchWriter<{ event: BusEvent; stream: string }>(
    async (rows) => {
      const batch = rows.map((r) => r.event);
      await sql.query(
        `INSERT INTO bus_events (event_id, stream, job_id, job_type, trace_id, seq, type, ts, data)
       SELECT * FROM unnest($1::text[], $9::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::timestamptz[], $8::jsonb[])
       ON CONFLICT (event_id) DO NOTHING`,
        [
          rows.map((r) => pgText(`${r.stream}/${r.event.id}`)),
          batch.map((e) => (e.jobId ? pgText(e.jobId) : e.jobId)),
          batch.map((e) => (e.jobId ? pgText(e.jobId.split('-')[0]!) : null)),
          batch.map((e) => (e.traceId ? pgText(e.traceId) : e.traceId)),
          batch.map((e) => e.seq),
          batch.map((e) => pgText(e.type)),
          batch.map((e) => e.ts),
          batch.map((e) => pgJson(e.data)),
          rows.map((r) => pgText(r.stream)),
        ],
      );
    },
    logger,
    { what: 'events to bus_events', ...options },
  );
  return {
    push: (event, stream) => writer.push({ event, stream: streamLabel(stream) }),
    flush: writer.flush,
    close: writer.close,
  };
}

/**
 * Postgres text and jsonb cannot hold U+0000 (a NUL in a research question made a whole batch fail, issue 9): the
 * log copy shows U+FFFD in its place. The Redis stream keeps the event as it was sent.
 */
function pgText(value: string): string {
  return value.includes('\0') ? value.replaceAll('\0', '\uFFFD') : value;
}

/** JSON for a jsonb column: `\u0000` escapes (not preceded by an escaping backslash) become `\ufffd`. */
export function pgJson(value: unknown): string {
  const json = JSON.stringify(value) ?? 'null';
  return json.includes('\\u0000') ? json.replace(/(?<!\\)((?:\\\\)*)\\u0000/g, '$1\\ufffd') : json;
}

/**
 * Copies a stream from Redis into the log again. A process killed outright takes its unwritten batch with it;
 * whoever carries on the job calls this, and ON CONFLICT skips what was written already.
 */
export async function recopyStream(read: EventBus['read'], sink: EventSink, stream: StreamName): Promise<number> {
  const pageSize = 1000;
  let after: string | undefined;
  let copied = 0;
  for (;;) {
    const page = await read(stream, after, pageSize);
    for (const event of page) sink.push(event, stream);
    copied += page.length;
    if (page.length < pageSize) return copied;
    after = page.at(-1)!.id;
  }
}
