import type { Redis } from 'ioredis';
import type { AuditLog } from '../audit/audit-log.js';
import type { Config } from '../config/index.js';
import type { SqlClient } from '../db/sql-client.js';
import type { Logger } from '../observability/logger.js';
import { createAuthenticator, type Authenticator } from './authenticator.js';
import { createBrowserGuard, type BrowserGuard } from './browser-guard.js';
import { createJwtVerifier } from './jwt.js';
import { createKeyStore, type KeyStore } from './key-store.js';
import { createRateLimiter, type RateLimiter } from './rate-limit.js';
import { createRefusalLog } from './refusal-log.js';

export type { Principal } from './principal.js';

/** Everything the transports need to authenticate and limit callers, built once by the composition root. */
export interface Auth {
  keys: KeyStore;
  authenticator: Authenticator;
  rateLimit: RateLimiter;
  browserGuard: BrowserGuard;
  close(): Promise<void>;
}

export async function createAuth(deps: { config: Config; redis: Redis; sql: SqlClient; audit: AuditLog; logger: Logger; keyPrefix: string }): Promise<Auth> {
  const { config, redis, logger } = deps;
  const subscriber = redis.duplicate();
  // Reconnects on its own (ioredis re-subscribes); /readyz reports a Redis outage, and keys still expire from the cache.
  subscriber.on('error', () => {});
  const keys = createKeyStore(deps.sql);
  const authenticator = await createAuthenticator({
    keys,
    jwt: config.auth.jwt ? createJwtVerifier(config.auth.jwt) : undefined,
    devAnonymous: config.auth.devAnonymous,
    cacheMs: config.auth.keyCacheMs,
    subscriber,
    keyPrefix: deps.keyPrefix,
    logger: logger.child({ component: 'auth' }),
    refusals: createRefusalLog(deps.audit, logger.child({ component: 'auth' })),
  });
  return {
    keys,
    authenticator,
    rateLimit: createRateLimiter(redis, deps.keyPrefix, config.auth.rateLimit),
    browserGuard: createBrowserGuard({
      devAnonymous: config.auth.devAnonymous,
      allowedOrigins: config.auth.allowedOrigins,
      allowedHosts: config.auth.allowedHosts,
      bindHost: config.http.host,
    }),
    close: () => authenticator.close(),
  };
}
