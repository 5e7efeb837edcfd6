import type { RedisLike } from '../../src/policies/lua-scripts.js';

/** A small async key/value cache with per-entry TTL: robots.txt rules and conditional-GET validators. */
export interface TtlCache<T> {
  get(key: string): Promise<T | undefined>;
  set(key: string, value: T, ttlMs: number): Promise<void>;
}

/** Per-process LRU: a Map keeps insertion order, so re-inserting on read makes the first key the least recent. */
export function createMemoryCache<T>(options: { maxEntries?: number; now?: () => number } = {}): TtlCache<T> {
  const { maxEntries = 1000, now = Date.now } = options;
  const entries = new Map<string, { value: T; expiresAt: number }>();
  return {
    async get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      entries.delete(key);
      if (entry.expiresAt <= now()) return undefined;
      entries.set(key, entry);
      return entry.value;
    },
    async set(key, value, ttlMs) {
      entries.delete(key);
      entries.set(key, { value, expiresAt: now() + ttlMs });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
    },
  };
}

/** Shared by every worker: one robots.txt fetch per origin per TTL for the whole fleet, not per process. */
export function createRedisCache<T>(redis: RedisLike, keyPrefix: string): TtlCache<T> {
  return {
    async get(key) {
      const raw = await redis.get(`${keyPrefix}:${key}`);
      return raw === null ? undefined : (JSON.parse(raw) as T);
    },
    async set(key, value, ttlMs) {
      await redis.set(`${keyPrefix}:${key}`, JSON.stringify(value), 'PX', Math.max(1, Math.round(ttlMs)));
    },
  };
}
