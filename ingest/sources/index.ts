/** The research agent's source adapters and their policy wrapper: the one import path for `agents/research/`. */
export type { FetchedDocument, RateLimiter, SourceAdapter, SourceContext, SourceEvent, SourceLogger, SourceRef } from './types.js';
export { unlimitedRateLimiter } from './types.js';
export { canonicalizeUrl, isTrackingParam } from './canonical-url.js';
export { ALLOW_HOSTS_ENV, assertUrlAllowed, classifyAddress, parseAllowList, type AllowList } from '../../src/net/url-safety.js';
export { createWebSource, type WebSource, type WebSourceOptions } from './web.js';
export { createHttpJsonSource, type HttpJsonMapping, type HttpJsonSource, type HttpJsonSourceOptions } from './http-json.js';
export { createNpmRegistrySource, npmPackageUrl, NPM_REGISTRY_URL, type NpmRegistrySourceOptions } from './npm-registry.js';
export { withPolicies, type SourcePolicies } from './with-policies.js';
