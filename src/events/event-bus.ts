import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import { AppError } from '../errors.js';
import { loadLuaScript } from '../redis/lua-script.js';
import { LeaseLostError } from '../queue/lease.js';
import type { Clock } from '../redis/shared-clock.js';
import { compareIds, isCursor, isTerminalEvent, type BusEvent, type StreamName } from './event-types.js';

const PUBLISH = loadLuaScript(new URL('./publish-3.lua', import.meta.url));
const STREAM_TTL_SECONDS = 7 * 24 * 3600;
const MAXLEN: Record<StreamName['kind'], number> = { job: 100_000, system: 200_000, agents: 5_000 };
const PAGE = 500;

export interface PublishInput {
  type: string;
  jobId?: string | null;
  traceId?: string | null;
  data?: Record<string, unknown>;
}

/** Publish only while `key` holds `token` (a job's BullMQ lock): else LeaseLostError and nothing is appended. */
export interface PublishFence {
  key: string;
  token: string;
}

export interface EventBus {
  publish(stream: StreamName, event: PublishInput, fence?: PublishFence): Promise<BusEvent>;
  /** Every event after `after` (exclusive; from the start when absent), once, in order, then live ones. */
  subscribe(stream: StreamName, options?: SubscribeOptions): AsyncIterableIterator<BusEvent>;
  /** Events already on the stream after `after`, without waiting for more. */
  read(stream: StreamName, after?: string, count?: number): Promise<BusEvent[]>;
  /** BAD_INPUT for a malformed cursor or one older than what the stream still keeps. */
  assertCursor(stream: StreamName, after: string): Promise<void>;
  close(): Promise<void>;
}

export interface SubscribeOptions {
  after?: string;
  signal?: AbortSignal;
  /** Without `after`: start after the stream's newest event (live only, no replay) instead of at its start. */
  fromNow?: boolean;
}

export interface EventBusOptions {
  redis: Redis;
  /** A connection for SUBSCRIBE only (Redis puts subscriber connections in a mode of their own). */
  subscriber: Redis;
  /** Redis key prefix, already hash-tagged, e.g. `{cogo}`. */
  keyPrefix: string;
  /** Called with each published event, e.g. to batch it into Postgres `bus_events`. */
  onPublished?: (event: BusEvent, stream: StreamName) => void;
  /** Called with each event a subscriber receives live (not replayed from before it subscribed): event lag. */
  onDelivered?: (event: BusEvent, stream: StreamName) => void;
  /** Stamps `ts`: the deployment's shared clock, so that events of one job from several hosts agree on time. */
  clock: Clock;
}

export function createEventBus(options: EventBusOptions): EventBus {
  const { redis, subscriber, keyPrefix } = options;
  const { clock } = options;
  const keyOf = (s: StreamName) => (s.kind === 'job' ? `${keyPrefix}:ev:job:${s.jobId}` : `${keyPrefix}:ev:${s.kind}`);
  const channelOf = (s: StreamName) => `${keyOf(s)}:wake`;
  const wakeups = new EventEmitter().setMaxListeners(0);
  const listening = new Map<string, { count: number; subscribed: Promise<unknown> }>();
  subscriber.on('message', (channel: string) => wakeups.emit(channel));
  // Wake-ups published while the subscriber connection was down are gone: after a reconnect, every live
  // subscription re-reads its stream once.
  subscriber.on('ready', () => {
    for (const channel of listening.keys()) wakeups.emit(channel);
  });

  const parse = (stream: StreamName, [id, fields]: [string, string[]]): BusEvent => {
    const body = JSON.parse(fields[3] ?? '{}') as Omit<BusEvent, 'id' | 'seq'>;
    return { id, seq: Number(fields[1]), ...body, jobId: body.jobId ?? (stream.kind === 'job' ? stream.jobId : null) };
  };

  const read: EventBus['read'] = async (stream, after, count = PAGE) => {
    const start = after ? `(${after}` : '-';
    const entries = (await redis.xrange(keyOf(stream), start, '+', 'COUNT', count)) as [string, string[]][];
    return entries.map((entry) => parse(stream, entry));
  };

  async function assertCursorUsable(stream: StreamName, after: string) {
    if (!isCursor(after)) throw new AppError('BAD_INPUT', `"${after.slice(0, 40)}" is not an event id (expected <ms>-<n>)`, { via: 'events' });
    // XINFO fails on a stream that does not exist (yet): nothing trimmed, so any cursor is usable.
    const info = (await redis.call('XINFO', 'STREAM', keyOf(stream)).catch(() => null)) as unknown[] | null;
    if (!info) return;
    const fields = new Map<string, unknown>();
    for (let i = 0; i + 1 < info.length; i += 2) fields.set(String(info[i]), info[i + 1]);
    // Trimming (MAXLEN) is not reflected in max-deleted-entry-id on Redis 7.0: compare with what is kept instead.
    // A cursor past the newest id would skip every event to come (a stream that never ends): refused (issue 9).
    const lastId = String(fields.get('last-generated-id') ?? '0-0');
    if (compareIds(after, lastId) > 0) {
      throw new AppError('BAD_INPUT', `event id ${after} is beyond the last event of the stream (${lastId})`, { via: 'events' });
    }
    const removedSome = Number(fields.get('entries-added') ?? 0) > Number(fields.get('length') ?? 0);
    const firstKept = String(fields.get('recorded-first-entry-id') ?? '0-0');
    if (removedSome && compareIds(after, firstKept) < 0) {
      throw new AppError('BAD_INPUT', `event id ${after} has expired from the stream; resubscribe without \`after\` to start from the oldest kept event`, {
        via: 'events',
      });
    }
  }

  /** Every caller waits for the SUBSCRIBE itself, not only the first: reading before it is live could miss a wake-up. */
  async function listen(channel: string) {
    const entry = listening.get(channel);
    if (entry) {
      entry.count++;
      return entry.subscribed;
    }
    const subscribed = subscriber.subscribe(channel);
    listening.set(channel, { count: 1, subscribed });
    return subscribed;
  }
  async function unlisten(channel: string) {
    const entry = listening.get(channel);
    if (entry && --entry.count > 0) return;
    listening.delete(channel);
    // Fails only when the subscriber connection is gone, and a dead connection is subscribed to nothing.
    await subscriber.unsubscribe(channel).catch(() => {});
  }

  /** The id of the stream's newest event; undefined for a stream without events (start at its start). */
  async function newestId(stream: StreamName): Promise<string | undefined> {
    const [newest] = (await redis.xrevrange(keyOf(stream), '+', '-', 'COUNT', 1)) as [string, string[]][];
    return newest?.[0];
  }

  /** True when `after` is a job stream's last event and that event ended the job: nothing more will come. */
  async function resumesAtEnd(stream: StreamName, after: string): Promise<boolean> {
    if (stream.kind !== 'job') return false;
    const [last] = (await redis.xrevrange(keyOf(stream), '+', '-', 'COUNT', 1)) as [string, string[]][];
    return last !== undefined && last[0] === after && isTerminalEvent(parse(stream, last).type);
  }

  async function* generate(stream: StreamName, opts: SubscribeOptions): AsyncGenerator<BusEvent> {
    if (opts.after) await assertCursorUsable(stream, opts.after);
    // A client resuming (Last-Event-ID) after a finished job's last event: the stream ends at once.
    if (opts.after && (await resumesAtEnd(stream, opts.after))) return;
    const channel = channelOf(stream);
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.signal?.aborted) stop.abort();
    // Listen before the first read: an event published in between wakes us and is then read, never lost.
    // Wake-ups only mark the stream dirty: a burst of events costs one read, not one read per event.
    let dirty = false;
    let wake: (() => void) | undefined;
    const onWake = () => {
      dirty = true;
      wake?.();
    };
    wakeups.on(channel, onWake);
    stop.signal.addEventListener('abort', () => wake?.(), { once: true });
    await listen(channel);
    // After listening: an event published in between is newer than the one read here, so it is delivered.
    let last = opts.after ?? (opts.fromNow ? await newestId(stream) : undefined);
    // The first read replays what was there before: only what a wake-up brings counts as delivered live.
    let live = opts.fromNow === true && !opts.after;
    try {
      for (;;) {
        dirty = false;
        let page: BusEvent[];
        do {
          page = await read(stream, last);
          for (const event of page) {
            last = event.id;
            if (live) options.onDelivered?.(event, stream);
            yield event;
            // A requeued job's new run follows its old terminal event on the same stream: end only at the last one.
            if (stream.kind === 'job' && isTerminalEvent(event.type) && event === page.at(-1) && (await read(stream, event.id, 1)).length === 0) return;
          }
        } while (page.length === PAGE);
        if (!dirty && !stop.signal.aborted) await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        live = true;
        if (stop.signal.aborted) return;
      }
    } finally {
      wakeups.off(channel, onWake);
      opts.signal?.removeEventListener('abort', onAbort);
      stop.abort();
      await unlisten(channel);
    }
  }

  /**
   * An async generator's return() waits for its pending await; GraphQL calls return() when a client goes away,
   * so abort first to wake the generator, then let it finish (and unsubscribe) right away.
   */
  function subscribe(stream: StreamName, opts: SubscribeOptions = {}): AsyncIterableIterator<BusEvent> {
    const local = new AbortController();
    const signal = opts.signal ? AbortSignal.any([opts.signal, local.signal]) : local.signal;
    const events = generate(stream, { ...opts, signal });
    return {
      next: () => events.next(),
      return: (value?: unknown) => {
        local.abort();
        return events.return(value as never);
      },
      throw: (error?: unknown) => events.throw(error),
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  return {
    read,
    subscribe,
    assertCursor: assertCursorUsable,
    async publish(stream, input, fence) {
      const body = {
        jobId: input.jobId ?? (stream.kind === 'job' ? stream.jobId : null),
        traceId: input.traceId ?? null,
        type: input.type,
        ts: clock.date().toISOString(),
        data: input.data ?? {},
      };
      const key = keyOf(stream);
      const keys = [key, `${key}:seq`, fence?.key ?? `${key}:seq`];
      const [id, seq] = (await PUBLISH.run(redis, keys, [
        MAXLEN[stream.kind],
        STREAM_TTL_SECONDS,
        channelOf(stream),
        JSON.stringify(body),
        fence?.token ?? '',
      ])) as [string, number];
      if (Number(seq) < 0) throw new LeaseLostError(body.jobId ?? key);
      const event: BusEvent = { id, seq: Number(seq), ...body };
      options.onPublished?.(event, stream);
      return event;
    },
    async close() {
      wakeups.removeAllListeners();
    },
  };
}
