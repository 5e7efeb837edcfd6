import { JOB_AREAS } from '../queue/job-types.js';

/** One event on a stream (DESIGN §5). `id` is the Redis stream entry id: the resume cursor. */
export interface BusEvent {
  id: string;
  seq: number;
  jobId: string | null;
  traceId: string | null;
  type: string;
  ts: string;
  data: Record<string, unknown>;
}

export type StreamName = { kind: 'job'; jobId: string } | { kind: 'system' } | { kind: 'agents' };

/** `job:<id>`, `system` or `agents`: names a stream in logs and in Postgres `bus_events`. */
export function streamLabel(stream: StreamName): string {
  return stream.kind === 'job' ? `job:${stream.jobId}` : stream.kind;
}

/** Events after which a job's stream has nothing more to say. */
export function isTerminalEvent(type: string): boolean {
  return type === 'job.dead' || type === 'job.cancelled' || JOB_AREAS.some((area) => type === `${area}.done`);
}

const CURSOR = /^\d{1,20}-\d{1,20}$/;

export function isCursor(value: string): boolean {
  return CURSOR.test(value);
}

/** Stream ids compare as (ms, seq) pairs, not as strings. */
export function compareIds(a: string, b: string): number {
  const [am = 0n, as = 0n] = a.split('-').map(BigInt);
  const [bm = 0n, bs = 0n] = b.split('-').map(BigInt);
  return am === bm ? Number(as - bs) : am < bm ? -1 : 1;
}
