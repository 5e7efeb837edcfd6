import { AppError, isAppError } from '../errors.js';
import type { PolicyObserver } from './types.js';
import { loadLuaScript } from '../redis/lua-script.js';
import { sourceKey, type RedisLike } from './lua-scripts.js';

const checkScript = loadLuaScript(new URL('./lua/breaker-check-1.lua', import.meta.url));
const failureScript = loadLuaScript(new URL('./lua/breaker-failure-1.lua', import.meta.url));
const successScript = loadLuaScript(new URL('./lua/breaker-success-1.lua', import.meta.url));
const releaseScript = loadLuaScript(new URL('./lua/breaker-release-1.lua', import.meta.url));

export interface CircuitBreakerOptions {
  keyPrefix: string;
  source: string;
  /** Consecutive failed calls (across all workers) that open the circuit. */
  failureThreshold?: number;
  /** How long an open circuit fails fast before one half-open probe is let through. */
  coolDownMs?: number;
  /** A probe that neither succeeds nor fails within this time (crashed worker) lets another probe in. */
  probeLeaseMs?: number;
  /** Idle time after which a partial failure count is forgotten. */
  failureTtlMs?: number;
  /** Which errors say "the upstream is unhealthy"; others (404, robots, SSRF refusals, cancels) are neutral. */
  isFailure?: (error: unknown) => boolean;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface CircuitBreaker {
  readonly key: string;
  run<T>(call: () => Promise<T>, ctx?: PolicyObserver): Promise<T>;
  state(): Promise<BreakerState>;
  reset(): Promise<void>;
}

export const isUpstreamFailure = (error: unknown): boolean => isAppError(error) && (error.code === 'UPSTREAM_UNAVAILABLE' || error.code === 'TIMEOUT');

/**
 * The breaker's state lives in Redis (one hash per source, hash-tagged) rather than in each process: ten
 * workers facing a dead upstream trip it after N failures in total instead of N each, and a worker that starts
 * later does not hammer an upstream everyone else already knows is down. The cost is two small script calls
 * per upstream call. If Redis itself fails, the breaker fails open (the call proceeds) and says so in the log.
 */
export function createRedisCircuitBreaker(redis: RedisLike, options: CircuitBreakerOptions): CircuitBreaker {
  const {
    keyPrefix,
    source,
    failureThreshold = 5,
    coolDownMs = 30_000,
    probeLeaseMs = Math.max(coolDownMs, 30_000),
    failureTtlMs = 10 * 60_000,
    isFailure = isUpstreamFailure,
  } = options;
  const key = sourceKey(keyPrefix, source, 'breaker');
  const ttl = Math.max(failureTtlMs, coolDownMs + probeLeaseMs) + 1000;

  return {
    key,
    async run(call, ctx = {}) {
      const warn = (error: unknown, what: string) =>
        ctx.logger?.warn({ source, err: (error as Error).message }, `circuit breaker ${what} failed; proceeding without it`);
      let verdict: [string, number] = ['closed', 0];
      try {
        verdict = (await checkScript.run(redis, [key], [probeLeaseMs])) as [string, number];
      } catch (error) {
        warn(error, 'check');
      }
      if (verdict[0] === 'open') {
        const retryAfterMs = Number(verdict[1]);
        throw new AppError(
          'UPSTREAM_UNAVAILABLE',
          `source ${source} is unavailable: circuit open after repeated failures; next try in ${Math.ceil(retryAfterMs / 1000)} s`,
          { via: source, retryable: true, details: { source, breakerOpen: true, retryAfterMs } },
        );
      }
      let result: Awaited<ReturnType<typeof call>>;
      try {
        result = await call();
      } catch (error) {
        if (isFailure(error)) {
          try {
            const [outcome, failures] = (await failureScript.run(redis, [key], [failureThreshold, coolDownMs, ttl])) as [string, number];
            if (outcome === 'opened') {
              ctx.onEvent?.({
                type: 'source.breaker-open',
                source,
                data: { failures: Number(failures), coolDownMs, halfOpenProbeFailed: verdict[0] === 'probe' },
              });
            }
          } catch (redisError) {
            warn(redisError, 'record');
          }
        } else if (verdict[0] === 'probe') {
          await releaseScript.run(redis, [key], []).catch((redisError: unknown) => warn(redisError, 'release'));
        }
        throw error;
      }
      try {
        if (Number(await successScript.run(redis, [key], [])) === 1) {
          ctx.onEvent?.({ type: 'source.breaker-closed', source, data: { probe: verdict[0] === 'probe' } });
        }
      } catch (error) {
        warn(error, 'record');
      }
      return result;
    },
    async state() {
      const until = Number((await redis.hget(key, 'openUntil')) ?? 0);
      if (until === 0) return 'closed';
      const [seconds, micros] = await redis.time();
      const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
      return now < until ? 'open' : 'half-open';
    },
    async reset() {
      await redis.del(key);
    },
  };
}
