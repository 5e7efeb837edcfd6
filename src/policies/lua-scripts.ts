import { readFileSync } from 'node:fs';
import { AppError } from '../errors.js';
import { luaScript, type LuaScript } from '../redis/lua-script.js';

export type { LuaScript, RedisLike } from '../redis/lua-script.js';

/** Loads `lua/<name>-<numKeys>.lua` (BullMQ's convention: the file name states how many keys the script touches). */
export function loadLuaScript(name: string): LuaScript {
  const source = readFileSync(new URL(`./lua/${name}.lua`, import.meta.url), 'utf8');
  const numKeys = Number(/-(\d+)$/.exec(name)?.[1]);
  if (!Number.isInteger(numKeys)) throw new AppError('INTERNAL', `lua script ${name}: name must end in -<numKeys>`, { via: 'redis' });
  return luaScript(name, source, numKeys);
}

/**
 * `{prefix:source}` is the hash tag: every key of one source hashes to one Redis Cluster slot, which
 * multi-key scripts need and which keeps a source's state on one shard.
 */
export function sourceKey(keyPrefix: string, source: string, suffix: string): string {
  return `${keyPrefix}:{src:${source}}:${suffix}`;
}
