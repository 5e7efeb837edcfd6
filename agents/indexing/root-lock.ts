import { createHash } from 'node:crypto';
import { loadLuaScript } from '../../src/redis/lua-script.js';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { IndexScope } from '../../src/vectors/index.js';

const RELEASE = loadLuaScript(new URL('./release-lock-1.lua', import.meta.url));
const RENEW = loadLuaScript(new URL('./renew-lock-1.lua', import.meta.url));

export interface RootLockOptions {
  redis: Redis;
  keyPrefix: string;
  scope: IndexScope;
  /** The job id: a re-claimed job takes over the lock its killed attempt left behind. */
  holder: string;
  signal: AbortSignal;
  /** Default 15 s, renewed every third of it; a killed holder's lock lapses on its own. */
  leaseMs?: number;
  onWait?: (heldBy: string) => void;
}

export interface RootLock {
  release(): Promise<void>;
}

/**
 * One indexing job per (tenant, root) at a time: two jobs interleaving their change detection and cleanup
 * could delete each other's fresh chunks. A second job waits (cooperatively cancellable) until the first ends.
 */
export async function acquireRootLock(options: RootLockOptions): Promise<RootLock> {
  const { redis, holder, signal } = options;
  const leaseMs = options.leaseMs ?? 15_000;
  const digest = createHash('sha256').update(`${options.scope.tenant}\u0000${options.scope.root}`).digest('hex').slice(0, 24);
  const key = `${options.keyPrefix}:idxlock:${digest}`;
  for (;;) {
    signal.throwIfAborted();
    if ((await redis.set(key, holder, 'PX', leaseMs, 'NX')) === 'OK') break;
    const current = await redis.get(key);
    if (current === holder) {
      await redis.set(key, holder, 'PX', leaseMs);
      break;
    }
    if (current) options.onWait?.(current);
    await sleep(500, undefined, { signal }).catch(() => signal.throwIfAborted());
  }
  // Three renewals per lease: one that fails is made up by the next; a lock lost through a long Redis outage fails
  // the job's own Redis writes loudly long before it matters who holds the root.
  // A renewal that fails is made up by the next one (three per lease): nothing to do with its error.
  const timer = setInterval(() => void RENEW.run(redis, [key], [holder, leaseMs]).catch(() => undefined), Math.floor(leaseMs / 3));
  timer.unref();
  return {
    async release() {
      clearInterval(timer);
      // An unreleased lock expires by itself within one lease (15 s); the next run of this root waits that long.
      await RELEASE.run(redis, [key], [holder]).catch(() => undefined);
    },
  };
}
