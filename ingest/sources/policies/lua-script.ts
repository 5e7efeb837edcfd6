import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Cluster, Redis } from 'ioredis';

export type RedisLike = Redis | Cluster;

export interface LuaScript {
  readonly name: string;
  run(redis: RedisLike, keys: string[], args: Array<string | number>): Promise<unknown>;
}

/**
 * Loads `lua/<name>-<numKeys>.lua` (BullMQ's convention: the file name states how many keys the script
 * touches). Runs by SHA and sends the source only when the server has not cached it yet.
 */
export function loadLuaScript(name: string): LuaScript {
  const source = readFileSync(new URL(`./lua/${name}.lua`, import.meta.url), 'utf8');
  const numKeys = Number(/-(\d+)$/.exec(name)?.[1]);
  if (!Number.isInteger(numKeys)) throw new Error(`lua script ${name}: name must end in -<numKeys>`);
  const sha = createHash('sha1').update(source).digest('hex');
  return {
    name,
    async run(redis, keys, args) {
      if (keys.length !== numKeys) throw new Error(`lua script ${name} takes ${numKeys} keys, got ${keys.length}`);
      try {
        return await redis.evalsha(sha, numKeys, ...keys, ...args);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return redis.eval(source, numKeys, ...keys, ...args);
      }
    },
  };
}

/**
 * `{prefix:source}` is the hash tag: every key of one source hashes to one Redis Cluster slot, which
 * multi-key scripts need and which keeps a source's state on one shard.
 */
export function sourceKey(keyPrefix: string, source: string, suffix: string): string {
  return `${keyPrefix}:{src:${source}}:${suffix}`;
}
