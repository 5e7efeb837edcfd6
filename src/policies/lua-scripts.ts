export type { LuaScript, RedisLike } from '../redis/lua-script.js';

/**
 * `{prefix:source}` is the hash tag: every key of one source hashes to one Redis Cluster slot, which
 * multi-key scripts need and which keeps a source's state on one shard.
 */
export function sourceKey(keyPrefix: string, source: string, suffix: string): string {
  return `${keyPrefix}:{src:${source}}:${suffix}`;
}
