/**
 * Authentication benchmark (issue 9): the cost of authenticating a request, as a ratio to an unauthenticated one
 * (development mode's anonymous caller) on the same server in the same run: an API key (hashed, cache hit, plus
 * the per-key rate-limit check in Redis) and an HS256 JWT (verified, plus the rate-limit check). Rounds alternate
 * the three so that drift in this machine's speed hits all alike. Then rate-limit decisions per second.
 */
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { startApi } from '../src/app.js';
import { createKeyStore } from '../src/auth/key-store.js';
import { createRateLimiter } from '../src/auth/rate-limit.js';
import { loadConfig } from '../src/config/index.js';
import { createLogger } from '../src/observability/logger.js';
import { closeRuntime, createRuntime, migrateAll } from '../src/runtime.js';
import type { BenchReport } from './run.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 1500);
const CONCURRENCY = 8;
const JWT_SECRET = 'bench-'.repeat(8);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

/** Requests per second of `{ __typename }` over POST /graphql with `authorization`, for `ms`, CONCURRENCY at once. */
async function round(url: URL, agent: http.Agent, authorization: string | undefined, ms: number): Promise<number> {
  const body = JSON.stringify({ query: '{ __typename }' });
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    ...(authorization ? { authorization } : {}),
  };
  const post = () =>
    new Promise<void>((resolve, reject) => {
      const request = http.request({ host: url.hostname, port: url.port, path: '/graphql', method: 'POST', agent, headers }, (response) => {
        if (response.statusCode !== 200) reject(new Error(`status ${response.statusCode}`));
        response.resume();
        response.on('end', resolve);
      });
      request.on('error', reject);
      request.end(body);
    });
  let count = 0;
  const until = performance.now() + ms;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) {
        await post();
        count++;
      }
    }),
  );
  return count / (ms / 1000);
}

export default async function bench(): Promise<BenchReport> {
  const env = {
    ...process.env,
    COGO_QUEUE_PREFIX: `bench-auth-${randomUUID().slice(0, 6)}`,
    COGO_PORT: '0',
    LOG_LEVEL: 'silent',
    DATABASE_URL: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/cogo_test',
    COGO_DEV_ANONYMOUS: 'true',
    COGO_JWT_SECRET: JWT_SECRET,
    COGO_JWT_ISSUER: 'bench',
    COGO_JWT_AUDIENCE: 'cogo',
    // The bench measures the check, not refusals: a bucket no round can empty, leased as the default burst is.
    COGO_RATE_LIMIT_PER_SEC: '1000000',
  };
  const config = loadConfig(env);
  const runtime = await createRuntime(config, createLogger({ level: 'silent' }));
  await migrateAll(runtime);
  const { server, url } = await startApi(runtime);
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const tenant = `bench-${randomUUID().slice(0, 8)}`;
  try {
    const { key } = await createKeyStore(runtime.sql).create({ name: 'bench', tenant, scopes: ['*'] });
    const jwt = await new SignJWT({ tenant, scope: '*' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('bench')
      .setIssuer('bench')
      .setAudience('cogo')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(JWT_SECRET));
    const modes = { anonymous: undefined, apiKey: `Bearer ${key}`, jwt: `Bearer ${jwt}` } as const;
    const target = new URL(url);
    for (const authorization of Object.values(modes)) await round(target, agent, authorization, 300); // warm-up (and the key's cache entry)
    const rates: Record<keyof typeof modes, number[]> = { anonymous: [], apiKey: [], jwt: [] };
    for (let i = 0; i < ROUNDS; i++) {
      for (const [mode, authorization] of Object.entries(modes)) rates[mode as keyof typeof modes].push(await round(target, agent, authorization, ROUND_MS));
    }
    const perRequestUs = Object.fromEntries(Object.entries(rates).map(([mode, r]) => [mode, Math.round((1e6 * CONCURRENCY) / median(r))])) as Record<
      keyof typeof modes,
      number
    >;
    // Each round's ratio against the anonymous run just before it, then the median: the machine's speed drifts
    // (two cores shared with other work), and neighbouring runs drift least.
    const added = (mode: 'apiKey' | 'jwt') => Math.round(median(rates[mode].map((rate, i) => (rates.anonymous[i] as number) / rate - 1)) * 1000) / 10;

    // Rate-limit decisions per second, 64 in flight in one process: with a burst under 20 every decision is a
    // round trip to the Lua bucket in Redis; at the default burst (60) a process leases 6 tokens per round trip.
    const decisionsPerSec = async (burst: number) => {
      const limiter = createRateLimiter(runtime.redis, runtime.keyPrefix, { perSec: 1e6, burst });
      const principal = { id: `bench-${randomUUID()}`, kind: 'api-key' as const, tenant, scopes: ['*'] };
      let decisions = 0;
      const until = performance.now() + 2000;
      await Promise.all(
        Array.from({ length: 64 }, async () => {
          while (performance.now() < until) {
            await limiter(principal);
            decisions++;
          }
        }),
      );
      return Math.round(decisions / 2);
    };
    const redisDecisionsPerSec = await decisionsPerSec(10);
    const leasedDecisionsPerSec = await decisionsPerSec(config.auth.rateLimit.burst);

    return {
      name: 'auth',
      request: 'POST /graphql { __typename }, keep-alive, 8 in flight; added % = median over rounds of (anonymous rate / authenticated rate − 1)',
      rounds: ROUNDS,
      roundMs: ROUND_MS,
      requestsPerSec: Object.fromEntries(Object.entries(rates).map(([mode, r]) => [mode, Math.round(median(r))])),
      perRequestUs,
      rateLimitDecisionsPerSec: { everyDecisionInRedis: redisDecisionsPerSec, leasedAtDefaultBurst: leasedDecisionsPerSec },
      goals: {
        apiKeyAddedPercent: { value: added('apiKey'), goal: '< 10', met: added('apiKey') < 10 },
        jwtAddedPercent: { value: added('jwt'), goal: '< 10', met: added('jwt') < 10 },
        rateLimitRedisDecisionsPerSec: { value: redisDecisionsPerSec, goal: 'reported', met: true },
      },
    };
  } finally {
    agent.destroy();
    await server.close();
    const keys = await runtime.redis.keys(`${runtime.keyPrefix}:*`);
    if (keys.length) await runtime.redis.del(...keys);
    await runtime.sql.query('DELETE FROM api_keys WHERE tenant = $1', [tenant]);
    await closeRuntime(runtime);
  }
}
