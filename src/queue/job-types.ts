import { randomUUID } from 'node:crypto';
import { AppError } from '../errors.js';

/** Every queue (DESIGN §4); each is also a type users enqueue (GraphQL `enqueue<Type>`, REST `POST /v1/<type>/enqueue`). */
export const JOB_AREAS = ['research', 'indexing', 'build', 'execute', 'orchestrate'] as const;
export type JobArea = (typeof JOB_AREAS)[number];

export const ENQUEUE_TYPES = ['research', 'indexing', 'build', 'execute', 'orchestrate'] as const;
export type EnqueueType = (typeof ENQUEUE_TYPES)[number];

/** `waiting`: parked until its child jobs finish (BullMQ's `waiting-children`); it holds no worker slot meanwhile. */
export const JOB_STATUSES = ['queued', 'active', 'waiting', 'retrying', 'completed', 'failed', 'dead', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export interface JobPolicy {
  attempts: number;
  /** First retry delay; later ones double, with jitter so that a failed batch does not retry in lockstep. */
  backoffMs: number;
  /** Hard deadline of one attempt; the processor's AbortSignal fires when it passes. */
  timeoutMs: number;
  concurrency: number;
}

export const JOB_POLICIES: Record<JobArea, JobPolicy> = {
  research: { attempts: 3, backoffMs: 2000, timeoutMs: 10 * 60_000, concurrency: 4 },
  indexing: { attempts: 5, backoffMs: 2000, timeoutMs: 60 * 60_000, concurrency: 1 },
  build: { attempts: 2, backoffMs: 5000, timeoutMs: 30 * 60_000, concurrency: 2 },
  execute: { attempts: 3, backoffMs: 1000, timeoutMs: 5 * 60_000, concurrency: 4 },
  orchestrate: { attempts: 3, backoffMs: 1000, timeoutMs: 10 * 60_000, concurrency: 8 },
};

const JOB_ID = new RegExp(`^(${JOB_AREAS.join('|')})-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`);

/** `<area>-<uuid>`: the area is readable in logs and tells which queue holds the job. */
export function newJobId(area: JobArea): string {
  return `${area}-${randomUUID()}`;
}

export function parseJobId(id: string): { area: JobArea } {
  const match = JOB_ID.exec(id);
  if (!match) throw new AppError('BAD_INPUT', `"${id.slice(0, 80)}" is not a job id (expected <type>-<uuid>)`, { via: 'jobs' });
  return { area: match[1] as JobArea };
}

export function isEnqueueType(value: string): value is EnqueueType {
  return (ENQUEUE_TYPES as readonly string[]).includes(value);
}
