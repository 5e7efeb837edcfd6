import { AppError } from '../errors.js';

/** Who is calling: from an API key, a JWT, or (loopback development mode only) nobody at all. */
export interface Principal {
  /** `key_…` for an API key, `jwt:<sub>` for a token, `anonymous` in development mode. Never a secret. */
  id: string;
  kind: 'api-key' | 'jwt' | 'dev';
  /** Whose data the caller sees and writes: taken from the credential, never from a request header. */
  tenant: string;
  scopes: readonly string[];
  /** When the credential stops being valid (a key's expiry, a JWT's `exp`): open connections are closed then. */
  expiresAtMs?: number;
}

/**
 * Development mode's caller (docs/security.md): the `default` tenant, so that data made with `npm start` stays
 * visible once keys are in use for that tenant, and every scope, `admin` included — it is the operator on the
 * machine itself, who can read `/readyz` and the process list anyway.
 */
export const DEV_PRINCIPAL: Principal = Object.freeze({ id: 'anonymous', kind: 'dev', tenant: 'default', scopes: Object.freeze(['*']) });

/** `*` grants everything; `area:*` grants every scope that starts with `area:`; otherwise scopes match exactly. */
export function hasScope(principal: Pick<Principal, 'scopes'>, needed: string): boolean {
  return principal.scopes.some((granted) => granted === '*' || granted === needed || (granted.endsWith(':*') && needed.startsWith(granted.slice(0, -1))));
}

/** FORBIDDEN naming the first scope the caller lacks; the message names scopes, never the credential. */
export function requireScopes(principal: Principal, needed: readonly string[], what: string): void {
  const missing = needed.find((scope) => !hasScope(principal, scope));
  if (missing !== undefined) throw new AppError('FORBIDDEN', `${what} needs the scope "${missing}"`, { via: 'auth' });
}

/** Tenant names: they end up in graph properties, Redis keys and logs, so a plain charset. */
export const TENANT_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
