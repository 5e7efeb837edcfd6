import type { Redis } from 'ioredis';

/** Time as every process of one deployment agrees on it. */
export interface Clock {
  now(): number;
  date(): Date;
}

export interface SharedClock extends Clock {
  /** Milliseconds added to this host's clock to read the Redis server's. */
  offsetMs(): number;
  /** The first measurement; until it lands the clock reads this host's time. */
  ready: Promise<void>;
  stop(): void;
}

/** Hosts closer than this to the Redis clock (NTP keeps them within a few ms) use their own clock unchanged. */
export const IN_STEP_MS = 50;

/**
 * The Redis server's clock, read through this host's: job records are ordered by `updatedAtMs`, written by the
 * API and by workers on other machines, so a worker whose clock ran 2 s behind would see its `active` and
 * `completed` writes lose to the API's earlier `queued`. The offset to Redis's TIME is measured at start (halfway
 * through the round trip) and again every `refreshMs`; between measurements reading the clock costs nothing. A host
 * already within IN_STEP_MS of Redis keeps its clock as it is.
 */
export function createSharedClock(redis: Redis, options: { refreshMs?: number; localNow?: () => number } = {}): SharedClock {
  const localNow = options.localNow ?? Date.now;
  let offset = 0;
  async function measure() {
    const before = localNow();
    const [seconds, micros] = await redis.time();
    const after = localNow();
    const measured = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) - Math.round((before + after) / 2);
    // A host in step with Redis keeps its own clock exactly: processes of one host must agree to the millisecond,
    // and two measurements would differ by their round trips' noise.
    offset = Math.abs(measured) < IN_STEP_MS ? 0 : measured;
  }
  const ready = measure();
  // `ready` is the caller's to await (createRuntime does, bounded); this only keeps a caller that does not from
  // crashing the process with an unhandled rejection.
  ready.catch(() => {});
  // A failed re-measurement keeps the last offset, which is off only by the drift since (ms per hour); Redis being
  // unreachable is /readyz's to report, and every other Redis user fails loudly meanwhile.
  const timer = setInterval(() => void measure().catch(() => {}), options.refreshMs ?? 60_000);
  timer.unref();
  const now = () => localNow() + offset;
  return { now, date: () => new Date(now()), offsetMs: () => offset, ready, stop: () => clearInterval(timer) };
}
