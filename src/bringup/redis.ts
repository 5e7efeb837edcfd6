import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { probeRedisUrl } from './probes.js';
import { BringUpError, type BringUpStep, type Progress } from './report.js';
import { commandExists, isLoopbackHost, runCommand, waitFor } from './run-command.js';

/** Uses the Redis at `url`; if none answers on loopback and `redis-server` is installed, starts one. */
export async function ensureRedis(url: string, dataDir: string, progress: Progress): Promise<BringUpStep> {
  const found = await probeRedisUrl(url);
  if (found.ok) {
    requireSupportedRedis(found.version, url);
    return { service: 'redis', action: 'found', detail: `Redis ${found.version} at ${url}` };
  }

  const target = new URL(url);
  if (!isLoopbackHost(target.hostname)) {
    throw new BringUpError('redis', 'connect', found.error ?? 'no answer', `start the Redis server at ${url} or change REDIS_URL`);
  }
  if (!(await commandExists('redis-server'))) {
    throw new BringUpError(
      'redis',
      'start a local redis-server',
      'redis-server is not installed',
      'install it (apt-get install redis-server) or run `docker compose up -d redis`',
    );
  }
  const port = target.port || '6379';
  const dir = path.join(dataDir, 'redis');
  await mkdir(dir, { recursive: true });
  progress(`redis: no server at ${url}; starting redis-server on 127.0.0.1:${port}`);
  const started = await runCommand('redis-server', [
    '--port',
    port,
    '--bind',
    '127.0.0.1',
    '--daemonize',
    'yes',
    '--dir',
    dir,
    '--logfile',
    path.join(dir, 'redis.log'),
    '--save',
    '',
    '--appendonly',
    'no',
  ]);
  if (started.code !== 0) {
    throw new BringUpError('redis', 'start redis-server', started.output.trim(), `see ${path.join(dir, 'redis.log')}`);
  }
  const ready = await waitFor(async () => (await probeRedisUrl(url)).ok, 10_000, 200);
  if (!ready) throw new BringUpError('redis', 'wait for redis-server', 'no answer within 10 s', `see ${path.join(dir, 'redis.log')}`);
  requireSupportedRedis((await probeRedisUrl(url)).version, url);
  return { service: 'redis', action: 'started', detail: `redis-server on 127.0.0.1:${port} (log in ${dir})` };
}

/** The oldest Redis whose features COGO relies on (XINFO STREAM's entries-added, for expired event cursors). */
export const MIN_REDIS_MAJOR = 7;

/** Refuses a Redis older than MIN_REDIS_MAJOR: its event cursors would never expire, silently. */
export function requireSupportedRedis(version: string | undefined, url: string): void {
  const major = Number(/^(\d+)\./.exec(version ?? '')?.[1]);
  if (Number.isFinite(major) && major >= MIN_REDIS_MAJOR) return;
  throw new BringUpError(
    'redis',
    'check the version',
    `Redis ${version ?? 'of unknown version'} at ${url}; COGO needs ${MIN_REDIS_MAJOR} or newer`,
    'upgrade it (Debian 12: apt-get install redis-server gives 7.0), or run `docker compose up -d redis` and point REDIS_URL at it',
  );
}
