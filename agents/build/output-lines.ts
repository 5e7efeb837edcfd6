import type { OutputStream } from './sandbox-types.js';

/** Longest line passed on; the rest of a longer line is dropped and the line marked. */
export const MAX_LINE_CHARS = 4096;

export interface LineSink {
  (stream: OutputStream, line: string): void;
}

/**
 * Turns a stream's chunks into lines, counting bytes against a shared output cap. Bytes past the cap are never
 * decoded or kept: the caller kills the step once `over` is true.
 */
export function createOutputCounter(maxBytes: number, sink: LineSink) {
  let total = 0;
  let truncated = false;
  const pending: Record<OutputStream, string> = { stdout: '', stderr: '' };
  const emit = (stream: OutputStream, line: string) => {
    if (line.length > MAX_LINE_CHARS) {
      truncated = true;
      sink(stream, `${line.slice(0, MAX_LINE_CHARS)} …[line cut at ${MAX_LINE_CHARS} chars]`);
    } else sink(stream, line);
  };
  return {
    /** Returns false once the output cap is reached (the chunk's bytes past it are dropped). */
    push(stream: OutputStream, chunk: Buffer): boolean {
      if (total >= maxBytes) return false;
      const room = maxBytes - total;
      const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
      total += kept.length;
      const text = pending[stream] + kept.toString('utf8');
      const lines = text.split('\n');
      pending[stream] = lines.pop() ?? '';
      // A line that never ends must not grow without bound: pass on its head now.
      if (pending[stream].length > MAX_LINE_CHARS) {
        emit(stream, pending[stream]);
        pending[stream] = '';
      }
      for (const line of lines) emit(stream, line.endsWith('\r') ? line.slice(0, -1) : line);
      // Reaching the cap is truncation even on a chunk boundary: the step is killed, whatever it would print next.
      if (total >= maxBytes) {
        truncated = true;
        return false;
      }
      return true;
    },
    /** Passes on what is left of unfinished lines. */
    flush() {
      for (const stream of ['stdout', 'stderr'] as const) {
        if (pending[stream]) emit(stream, pending[stream]);
        pending[stream] = '';
      }
    },
    get bytes() {
      return total;
    },
    get truncated() {
      return truncated;
    },
  };
}
