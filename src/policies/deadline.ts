import { AppError } from '../errors.js';

export interface Deadline {
  signal: AbortSignal;
  /** Turns an abort caused by this deadline into AppError TIMEOUT; a caller's cancel is passed through as is. */
  translate(error: unknown): unknown;
}

/** Combines the job's signal with a per-call time cap, keeping the two causes apart. */
export function createDeadline(parent: AbortSignal | undefined, timeoutMs: number, what: string, via: string): Deadline {
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = parent ? AbortSignal.any([parent, timeout]) : timeout;
  return {
    signal,
    translate(error) {
      if (parent?.aborted) return parent.reason ?? error;
      if (timeout.aborted) {
        return new AppError('TIMEOUT', `${what} took longer than ${timeoutMs} ms`, { via, details: { timeoutMs }, cause: error });
      }
      return error;
    },
  };
}
