import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Cluster, Redis } from 'ioredis';
import { AppError } from '../errors.js';
import { mapRedisError } from './redis-errors.js';

export type RedisLike = Redis | Cluster;

export interface LuaScript {
  readonly name: string;
  run(redis: RedisLike, keys: string[], args: Array<string | number>): Promise<unknown>;
}

/**
 * A Lua script run by its SHA: the source crosses the wire (and is compiled) only when the server has not cached
 * it yet, not on every call as with EVAL. Hot paths (every event, every token) depend on this.
 */
export function luaScript(name: string, source: string, numKeys: number): LuaScript {
  const sha = createHash('sha1').update(source).digest('hex');
  return {
    name,
    async run(redis, keys, args) {
      if (keys.length !== numKeys) {
        throw new AppError('INTERNAL', `lua script ${name} takes ${numKeys} keys, got ${keys.length}`, { via: 'redis', retryable: false });
      }
      try {
        return await redis.evalsha(sha, numKeys, ...keys, ...args);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw mapRedisError(error);
        return redis.eval(source, numKeys, ...keys, ...args).catch((evalError: unknown) => Promise.reject(mapRedisError(evalError)));
      }
    },
  };
}

/**
 * Loads a Lua file named `<name>-<numKeys>.lua` (BullMQ's convention: the file name says how many keys the script
 * touches), e.g. `loadLuaScript(new URL('./publish-3.lua', import.meta.url))`. The one way COGO loads a script.
 */
export function loadLuaScript(file: URL): LuaScript {
  const name = fileURLToPath(file)
    .replace(/^.*\//, '')
    .replace(/\.lua$/, '');
  const numKeys = Number(/-(\d+)$/.exec(name)?.[1]);
  if (!Number.isInteger(numKeys)) throw new Error(`lua script ${name}: its file name must end in -<numKeys>.lua`);
  return luaScript(name, readFileSync(file, 'utf8'), numKeys);
}
