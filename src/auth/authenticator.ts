import type { Redis } from 'ioredis';
import { AppError, isAppError, toAppError } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import { bearerToken, hashApiKey, isApiKeyShaped, API_KEY_PREFIX } from './api-keys.js';
import type { JwtVerifier } from './jwt.js';
import type { KeyStore } from './key-store.js';
import { DEV_PRINCIPAL, type Principal } from './principal.js';
import type { RefusalLog } from './refusal-log.js';
import { createSessionRegistry } from './sessions.js';

export interface AuthenticatorDeps {
  keys: Pick<KeyStore, 'findByHash'>;
  /** Unset: JWTs are refused. */
  jwt: JwtVerifier | undefined;
  devAnonymous: boolean;
  /** How long a key lookup is reused in this process; revocations reach every process at once regardless. */
  cacheMs: number;
  /** A connection this module turns into a subscriber for revocations (it owns and closes it). */
  subscriber: Redis;
  keyPrefix: string;
  logger: Logger;
  refusals: RefusalLog;
}

/** What a transport hands over: the Authorization header's value (HTTP) or connection_init's `authorization`. */
export interface Credentials {
  authorization: string | undefined;
  transport: string;
  ip: string | undefined;
}

const unauthenticated = (message: string) => new AppError('UNAUTHENTICATED', message, { via: 'auth' });

/** The channel that tells every process a key was revoked (payload: the key id). */
export const revocationChannel = (keyPrefix: string) => `${keyPrefix}:auth:revoked`;

/** Tells every API process (through Redis) that a key was revoked: its cache entry goes, its connections close. */
export async function publishRevocation(publisher: Redis, keyPrefix: string, keyId: string): Promise<void> {
  await publisher.publish(revocationChannel(keyPrefix), keyId);
}

/**
 * One `authenticate` for every entry point (GraphQL over HTTP, graphql-ws, graphql-sse, REST, REST SSE):
 * `Bearer cogo_…` is an API key, any other bearer token a JWT, no credential the development principal where
 * that mode is on. Key lookups are cached for `cacheMs`; a revocation published on Redis drops the cached entry
 * and closes the key's open connections in every process.
 */
export async function createAuthenticator(deps: AuthenticatorDeps) {
  const sessions = createSessionRegistry();
  const cache = new Map<string, { principal: Principal | null; until: number }>();
  // Verified JWTs by their text: a client sends the same token with every request until it expires, and
  // verifying it each time (WebCrypto HMAC, claims) cost a quarter of a small request (bench/auth.ts).
  const tokens = new Map<string, { principal: Principal; until: number }>();
  const channel = revocationChannel(deps.keyPrefix);

  function forget(keyId: string): void {
    for (const [hash, entry] of cache) if (entry.principal?.id === keyId) cache.delete(hash);
    const closed = sessions.closeAll(keyId);
    if (closed) deps.logger.info({ keyId, closed }, 'revoked key: open connections closed');
  }

  deps.subscriber.on('message', (from: string, keyId: string) => {
    if (from === channel) forget(keyId);
  });
  // Bounded, like the shared clock: a Redis that is down must not stop the API from starting (/readyz reports
  // it); ioredis subscribes once it connects, and until then cached keys still expire after cacheMs.
  const subscribed = deps.subscriber.subscribe(channel).then(
    () => undefined,
    (error: unknown) => deps.logger.warn({ err: error }, 'revocations: could not subscribe yet; keys still expire from the cache'),
  );
  await Promise.race([subscribed, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);

  async function byKey(token: string): Promise<Principal> {
    if (!isApiKeyShaped(token)) throw unauthenticated('the API key is malformed');
    const hash = hashApiKey(token);
    const now = Date.now();
    let entry = cache.get(hash);
    if (!entry || entry.until <= now) {
      const stored = await deps.keys.findByHash(hash);
      const usable = stored && !stored.revokedAt;
      const principal: Principal | null = usable
        ? {
            id: stored.id,
            kind: 'api-key',
            tenant: stored.tenant,
            scopes: Object.freeze([...stored.scopes]),
            ...(stored.expiresAt ? { expiresAtMs: stored.expiresAt.getTime() } : {}),
          }
        : null;
      // A key that expires within the cache window is reused only until it expires.
      const until = Math.min(now + deps.cacheMs, stored?.expiresAt?.getTime() ?? Infinity);
      entry = { principal: stored?.expiresAt && stored.expiresAt.getTime() <= now ? null : principal, until };
      // Bounded: presenting many made-up keys must not grow this map without end.
      if (cache.size > 50_000) cache.clear();
      if (deps.cacheMs > 0) cache.set(hash, entry);
    }
    if (!entry.principal) throw unauthenticated('the API key is unknown, expired or revoked');
    return entry.principal;
  }

  async function identify(credentials: Credentials): Promise<Principal> {
    const { authorization } = credentials;
    if (authorization === undefined || authorization === '') {
      if (deps.devAnonymous) return DEV_PRINCIPAL;
      throw unauthenticated('a credential is required: send `Authorization: Bearer <API key or JWT>`');
    }
    const token = bearerToken(authorization);
    if (!token) throw unauthenticated('the Authorization header must be `Bearer <API key or JWT>`');
    if (token.startsWith(API_KEY_PREFIX)) return byKey(token);
    if (!deps.jwt) throw unauthenticated('JWT bearer tokens are not accepted here (no COGO_JWT_SECRET or COGO_JWT_JWKS_URL); use an API key');
    return byJwt(token, deps.jwt);
  }

  async function byJwt(token: string, verify: JwtVerifier): Promise<Principal> {
    const now = Date.now();
    const cached = tokens.get(token);
    if (cached && cached.until > now) return cached.principal;
    const { principal, expiresAtMs } = await verify(token);
    if (tokens.size > 10_000) tokens.clear();
    if (deps.cacheMs > 0) tokens.set(token, { principal, until: Math.min(expiresAtMs, now + deps.cacheMs) });
    return principal;
  }

  return {
    /** The caller's principal, or UNAUTHENTICATED (recorded, rate-limited, in the audit log). */
    async authenticate(credentials: Credentials): Promise<Principal> {
      try {
        return await identify(credentials);
      } catch (error) {
        const appError = isAppError(error) ? error : toAppError(error, 'auth');
        if (appError.code === 'UNAUTHENTICATED') deps.refusals({ error: appError, transport: credentials.transport, ip: credentials.ip });
        throw appError;
      }
    },
    sessions,
    async close(): Promise<void> {
      deps.subscriber.disconnect();
    },
  };
}

export type Authenticator = Awaited<ReturnType<typeof createAuthenticator>>;
