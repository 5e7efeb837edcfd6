import type { CpuPool } from '../../src/cpu/cpu-pool.js';
import type { Driver } from 'neo4j-driver';
import {
  createHttpJsonSource,
  createNpmRegistrySource,
  createWebSource,
  npmPackageUrl,
  NPM_REGISTRY_URL,
  withPolicies,
  type HttpJsonSourceOptions,
  type SourceAdapter,
  type SourceRef,
  type WebSourceOptions,
} from '../../ingest/sources/index.js';
import { AppError } from '../../src/errors.js';
import { createRedisCircuitBreaker, type BreakerState, type CircuitBreaker } from '../../src/policies/circuit-breaker.js';
import { createRedisRateLimiter } from '../../src/policies/rate-limiter.js';
import type { RateLimiter } from '../../src/policies/types.js';
import type { RedisLike } from '../../src/redis/lua-script.js';
import { createGraphSource, type PassageIndex } from './graph-source.js';
import { sourceNodeOf } from './normalize.js';
import type { SourceKind, SourceNode } from './types.js';

/** Per source kind; every web host gets its own bucket, breaker and concurrency cap with these settings. */
export interface PolicyConfig {
  /** Shared by every worker (Redis token bucket). */
  ratePerSec: number;
  burst: number;
  /** Calls in flight per process. */
  concurrency: number;
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Consecutive failed calls (after retries, across workers) that open the shared breaker. */
  failureThreshold: number;
  coolDownMs: number;
  attemptTimeoutMs: number;
}

const BASE: PolicyConfig = {
  ratePerSec: 4,
  burst: 4,
  concurrency: 4,
  maxAttempts: 3,
  baseDelayMs: 250,
  maxDelayMs: 10_000,
  failureThreshold: 5,
  coolDownMs: 30_000,
  attemptTimeoutMs: 30_000,
};

/** Polite defaults: 4 requests/s per web host (crawler etiquette), more for registries and our own graph. */
export const DEFAULT_POLICIES: Readonly<Record<SourceKind, PolicyConfig>> = {
  web: BASE,
  npm: { ...BASE, ratePerSec: 10, burst: 10 },
  api: { ...BASE, ratePerSec: 5, burst: 5 },
  graph: { ...BASE, ratePerSec: 50, burst: 50, concurrency: 8, maxAttempts: 2, failureThreshold: 10, coolDownMs: 10_000 },
};

export interface ResearchSourcesOptions {
  redis: RedisLike;
  keyPrefix: string;
  driver: Driver;
  database: string;
  allowHosts?: readonly string[];
  web?: Omit<WebSourceOptions, 'allowHosts' | 'redis' | 'keyPrefix'>;
  npm?: { baseUrl?: string; token?: string };
  /** HTTP/JSON APIs, searched with `api:<name>` hints. */
  apis?: HttpJsonSourceOptions[];
  /** The vector index, for the `graph` source's passage search; absent = keyword search over graph nodes only. */
  passages?: PassageIndex;
  policies?: Partial<Record<SourceKind, Partial<PolicyConfig>>>;
  /** The process's CPU pool: pages are parsed and claims grouped there, off the event loop. */
  cpu: Pick<CpuPool, 'run'>;
}

export interface PolicedSource {
  key: string;
  kind: SourceKind;
  adapter: SourceAdapter;
  limiter: RateLimiter;
  breaker: CircuitBreaker;
}

const MAX_CACHED = 1000;

/**
 * One per process: adapters (with their HTTP connection pools) and, per source key, the policies: a Redis
 * token bucket and breaker shared by every worker, and a per-process concurrency cap. Source keys are
 * `web:<host[:port]>` per site, `npm`, `graph`, `api:<name>`.
 */
export function createSourceRegistry(options: ResearchSourcesOptions) {
  const { redis, keyPrefix, allowHosts = [] } = options;
  const npmBase = options.npm?.baseUrl ?? NPM_REGISTRY_URL;
  const web = createWebSource({ ...options.web, allowHosts, redis, keyPrefix, cpu: options.cpu });
  const npm = createNpmRegistrySource({ baseUrl: npmBase, token: options.npm?.token, allowHosts });
  const graph = createGraphSource({ driver: options.driver, database: options.database, ...(options.passages ? { passages: options.passages } : {}) });
  const apis = new Map((options.apis ?? []).map((api) => [api.name, { options: api, adapter: createHttpJsonSource({ allowHosts, ...api }) }]));
  const cache = new Map<string, PolicedSource>();

  const policyOf = (kind: SourceKind): PolicyConfig => ({ ...DEFAULT_POLICIES[kind], ...options.policies?.[kind] });

  function adapterOf(kind: SourceKind, key: string): SourceAdapter {
    if (kind === 'web') return web;
    if (kind === 'npm') return npm;
    if (kind === 'graph') return graph;
    const api = apis.get(key.slice('api:'.length));
    // Hints name APIs from config; one that is not configured is the caller's mistake, and asking again cannot help.
    if (!api) throw new AppError('BAD_INPUT', `research: no API source named ${key.slice('api:'.length)} is configured`, { via: 'research', retryable: false });
    return api.adapter;
  }

  function get(kind: SourceKind, key: string): PolicedSource {
    const hit = cache.get(key);
    if (hit) {
      cache.delete(key);
      cache.set(key, hit);
      return hit;
    }
    const p = policyOf(kind);
    const breaker = createRedisCircuitBreaker(redis, { keyPrefix, source: key, failureThreshold: p.failureThreshold, coolDownMs: p.coolDownMs });
    const inner = adapterOf(kind, key);
    const policed: PolicedSource = {
      key,
      kind,
      breaker,
      limiter: createRedisRateLimiter(redis, { keyPrefix, source: key, ratePerSec: p.ratePerSec, burst: p.burst }),
      adapter: withPolicies(
        { name: key, search: (q, ctx) => inner.search(q, ctx), fetch: (ref, ctx) => inner.fetch(ref, ctx) },
        {
          breaker,
          concurrency: p.concurrency,
          attemptTimeoutMs: p.attemptTimeoutMs,
          retry: { maxAttempts: p.maxAttempts, baseDelayMs: p.baseDelayMs, maxDelayMs: p.maxDelayMs },
        },
      ),
    };
    cache.set(key, policed);
    // Oldest first: a worker that met thousands of hosts keeps the recent ones' concurrency caps.
    while (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value as string);
    return policed;
  }

  return {
    get,
    apiNames: [...apis.keys()],
    /** `web:<host>` for a URL hint; unparseable URLs share `web:invalid` (their fetch is refused anyway). */
    webKey(url: string): string {
      try {
        return `web:${new URL(url).host || 'invalid'}`;
      } catch {
        return 'web:invalid';
      }
    },
    npmRef: (name: string): SourceRef => ({ url: npmPackageUrl(name, npmBase), title: name }),
    /** The `(:Source)` an item is FROM: its site for the web, the registry or API, or the graph itself. */
    sourceNode(tenant: string, kind: SourceKind, key: string, url: string): SourceNode {
      if (kind === 'web') {
        const { host, origin } = new URL(url);
        return sourceNodeOf(tenant, 'web', host, origin);
      }
      if (kind === 'npm') return sourceNodeOf(tenant, 'npm', new URL(npmBase).host, new URL(npmBase).origin);
      if (kind === 'api') {
        const name = key.slice('api:'.length);
        return sourceNodeOf(tenant, 'api', name, apis.get(name)?.options.baseUrl ?? null);
      }
      return sourceNodeOf(tenant, 'graph', 'knowledge graph', null);
    },
    async breakerStates(keys: readonly string[]): Promise<Map<string, BreakerState>> {
      const breakerOf = (key: string) => cache.get(key)?.breaker ?? createRedisCircuitBreaker(redis, { keyPrefix, source: key });
      const states = await Promise.all(keys.map(async (key) => [key, await breakerOf(key).state()] as const));
      return new Map(states);
    },
    async close(): Promise<void> {
      await Promise.allSettled([web.close(), npm.close(), ...[...apis.values()].map((a) => a.adapter.close())]);
    },
  };
}

export type SourceRegistry = ReturnType<typeof createSourceRegistry>;
