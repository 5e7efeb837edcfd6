import { createWriteStream, type WriteStream } from 'node:fs';
import type { OutputStream } from './sandbox-types.js';

export interface LogLine {
  stream: OutputStream;
  line: string;
}

export interface LogStreamOptions {
  /** Publishes one `build.log` event (the job's ordered stream). */
  publish(data: Record<string, unknown>): Promise<void>;
  /** Where every line goes, rate limit or not: the full log, kept as an artifact. */
  file: string;
  linesPerSecond: number;
  /** Lines per event at most, and how long a line may wait for its batch. */
  maxBatch?: number;
  flushMs?: number;
}

/**
 * Turns a step's lines into `build.log` events: batched (one event per `flushMs` or `maxBatch` lines, never two in
 * flight, so order holds and a slow bus slows nothing but the log), rate-limited by a token bucket of
 * `linesPerSecond`, and marked: a line the limit dropped is counted, and the next event (or the step's last)
 * carries `{dropped}` so a subscriber knows the live log has a gap; the full log file has every line.
 */
export function createLogStream(options: LogStreamOptions) {
  const maxBatch = options.maxBatch ?? 200;
  const flushMs = options.flushMs ?? 100;
  const file: WriteStream = createWriteStream(options.file, { flags: 'a' });
  let tokens = options.linesPerSecond;
  let refilledAt = performance.now();
  let batch: LogLine[] = [];
  let dropped = 0;
  let totalLines = 0;
  let totalDropped = 0;
  let step = '';
  let timer: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();
  let failure: unknown;
  let closed: Promise<{ lines: number; dropped: number }> | undefined;

  const refill = () => {
    const now = performance.now();
    tokens = Math.min(options.linesPerSecond, tokens + ((now - refilledAt) / 1000) * options.linesPerSecond);
    refilledAt = now;
  };
  const send = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (batch.length === 0 && dropped === 0) return chain;
    const data: Record<string, unknown> = { step, lines: batch };
    if (dropped > 0) data.dropped = dropped;
    batch = [];
    dropped = 0;
    // A failed publish (lease lost) is kept and rethrown by close(): the processor stops there.
    chain = chain
      .then(() => options.publish(data))
      .catch((error: unknown) => {
        failure ??= error;
      });
    return chain;
  };

  return {
    /** The step whose lines follow; flushes the previous step's. */
    startStep(name: string) {
      void send();
      step = name;
      file.write(`## step ${name}\n`);
    },
    line(stream: OutputStream, line: string) {
      totalLines++;
      file.write(stream === 'stderr' ? `[err] ${line}\n` : `${line}\n`);
      refill();
      if (tokens < 1) {
        dropped++;
        totalDropped++;
        return;
      }
      tokens -= 1;
      batch.push({ stream, line });
      if (batch.length >= maxBatch) void send();
      else timer ??= setTimeout(() => void send(), flushMs);
    },
    /** A note of ours in the log (a step's end, a kill): both live and in the file. */
    note(text: string) {
      file.write(`## ${text}\n`);
      batch.push({ stream: 'stderr', line: `[cogo] ${text}` });
      void send();
    },
    flush: () => send(),
    /** Sends what is left and closes the file; the same answer however often it is called. */
    close() {
      closed ??= (async () => {
        await send();
        await new Promise<void>((resolve) => file.end(() => resolve()));
        if (failure) throw failure;
        return { lines: totalLines, dropped: totalDropped };
      })();
      return closed;
    },
  };
}
