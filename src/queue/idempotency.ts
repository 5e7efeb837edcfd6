import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { AppError } from '../errors.js';

/** Keys outlive BullMQ's own job retention: DESIGN §4 asks for at least 24 h. */
const KEY_TTL_SECONDS = 48 * 3600;
/** A claim whose winner died before creating the job lapses after this, so the key becomes usable again. */
const PENDING_TTL_SECONDS = 30;
const PENDING_WAIT_MS = 5000;

export type Claim = { status: 'new'; jobId: string } | { status: 'existing'; jobId: string };

/** A stable hash of a payload: object key order does not change it. */
export function payloadHash(payload: unknown): string {
  return createHash('sha256').update(stableJson(payload)).digest('hex');
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Same key + same payload → the same job; same key + another payload → IDEMPOTENCY_CONFLICT. The first caller
 * wins a SET NX and creates the job; concurrent callers wait until it is created so the id they return is real.
 * The winner's claim is short-lived until the job exists, then kept for 48 h.
 */
export function createIdempotencyStore(redis: Redis, keyPrefix: string) {
  const keyOf = (scope: string, key: string) => `${keyPrefix}:idem:${scope}:${key}`;

  async function claim(scope: string, key: string, hash: string, proposedJobId: string): Promise<Claim> {
    const redisKey = keyOf(scope, key);
    const won = await redis.set(redisKey, JSON.stringify({ jobId: proposedJobId, hash, state: 'pending', at: Date.now() }), 'EX', PENDING_TTL_SECONDS, 'NX');
    if (won) return { status: 'new', jobId: proposedJobId };
    const deadline = Date.now() + PENDING_WAIT_MS;
    for (;;) {
      const raw = await redis.get(redisKey);
      if (!raw) return claim(scope, key, hash, proposedJobId);
      const record = JSON.parse(raw) as { jobId: string; hash: string; state: string; at: number };
      if (record.hash !== hash) {
        throw new AppError('IDEMPOTENCY_CONFLICT', `idempotency key "${key}" was already used with a different payload (job ${record.jobId}); use a new key`, {
          via: 'jobs',
          details: { jobId: record.jobId },
        });
      }
      if (record.state === 'created') return { status: 'existing', jobId: record.jobId };
      // Never take over a live claim (two creators of one job); a dead winner's claim lapses by its TTL.
      if (Date.now() > deadline) {
        throw new AppError('UPSTREAM_UNAVAILABLE', `an enqueue with idempotency key "${key}" is still in progress; retry in a few seconds`, {
          via: 'jobs',
          retryable: true,
        });
      }
      await new Promise((r) => setTimeout(r, 15));
    }
  }

  async function markCreated(scope: string, key: string, hash: string, jobId: string): Promise<void> {
    await redis.set(keyOf(scope, key), JSON.stringify({ jobId, hash, state: 'created', at: Date.now() }), 'EX', KEY_TTL_SECONDS);
  }

  /** Lets a failed enqueue be tried again with the same key. */
  async function release(scope: string, key: string): Promise<void> {
    await redis.del(keyOf(scope, key));
  }

  return { claim, markCreated, release };
}

export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>;
