import type { Redis } from 'ioredis';
import { AppError } from '../errors.js';
import { loadLuaScript } from '../redis/lua-script.js';

const SET_IF_HELD = loadLuaScript(new URL('./set-if-held-2.lua', import.meta.url));

/**
 * A run's claim on its job: BullMQ's lock key and the token this run holds it with. Every write a run makes to
 * the job's record, stream or checkpoint is checked against it (a fencing token): once another run has taken
 * the job over, or the lock has expired, the old run's writes are refused and it stops.
 */
export interface Lease {
  readonly key: string;
  readonly token: string;
  /** Throws LeaseLostError when this run no longer holds the lock. */
  assertHeld(): Promise<void>;
  /** SET key value EX ttl, only while this run holds the lock; else LeaseLostError and nothing written. */
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
}

/** A run that lost its lease: never retried, never recorded; the run that holds the job now owns its outcome. */
export class LeaseLostError extends AppError {
  constructor(jobId: string) {
    super('INTERNAL', `job ${jobId}: this run lost its lease (another run owns the job now); it stops without writing`, { via: 'queue', retryable: false });
    this.name = 'LeaseLostError';
  }
}

export function isLeaseLost(error: unknown): error is LeaseLostError {
  return error instanceof LeaseLostError;
}

/** BullMQ's lock key of a job: `<prefix>:<queue>:<jobId>:lock`. */
export function lockKeyOf(keyPrefix: string, queue: string, jobId: string): string {
  return `${keyPrefix}:${queue}:${jobId}:lock`;
}

export function createLease(redis: Redis, options: { key: string; token: string; jobId: string }): Lease {
  const { key, token, jobId } = options;
  return {
    key,
    token,
    async assertHeld() {
      if ((await redis.get(key)) !== token) throw new LeaseLostError(jobId);
    },
    async set(target, value, ttlSeconds) {
      if ((await SET_IF_HELD.run(redis, [key, target], [token, value, ttlSeconds])) !== 1) throw new LeaseLostError(jobId);
    },
  };
}
