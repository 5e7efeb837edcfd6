/** The research agent's source adapters and per-source policies: the one import path for `agents/research/`. */
export type { FetchedDocument, RateLimiter, SourceAdapter, SourceContext, SourceEvent, SourceLogger, SourceRef } from './types.js';
export { unlimitedRateLimiter } from './types.js';
export { canonicalizeUrl, isTrackingParam } from './canonical-url.js';
export { ALLOW_HOSTS_ENV, assertUrlAllowed, classifyAddress, parseAllowList, type AllowList } from './url-safety.js';
export { createWebSource, type WebSource, type WebSourceOptions } from './web.js';
export { createHttpJsonSource, type HttpJsonMapping, type HttpJsonSource, type HttpJsonSourceOptions } from './http-json.js';
export { createNpmRegistrySource, npmPackageUrl, NPM_REGISTRY_URL, type NpmRegistrySourceOptions } from './npm-registry.js';
export { createRedisRateLimiter, type RedisRateLimiter, type RedisRateLimiterOptions } from './policies/rate-limiter.js';
export { createRedisCircuitBreaker, type BreakerState, type CircuitBreaker, type CircuitBreakerOptions } from './policies/circuit-breaker.js';
export { withRetry, parseRetryAfter, type RetryOptions } from './policies/retry.js';
export { withPolicies, type SourcePolicies } from './policies/with-policies.js';
export { createGraphSource, graphRef, parseGraphRef, toLuceneQuery, GRAPH_KINDS, type GraphKind, type GraphSourceOptions, type Passage, type PassageIndex } from './graph.js';
