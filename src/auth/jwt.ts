import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import type { JwtConfig } from '../config/index.js';
import { AppError } from '../errors.js';
import { TENANT_NAME, type Principal } from './principal.js';

/** Asymmetric algorithms accepted from a JWKS; `none` and HS* are never taken from a key set. */
const JWKS_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

const refused = (reason: string) => new AppError('UNAUTHENTICATED', `the bearer token was refused: ${reason}`, { via: 'auth' });

/** Why jose refused a token, in words that name no secret. */
function reasonOf(error: unknown): AppError {
  if (error instanceof errors.JWTExpired) return refused('it has expired');
  if (error instanceof errors.JWTClaimValidationFailed)
    return refused(`claim "${error.claim}" ${error.reason === 'check_failed' ? 'does not match' : error.reason.replace(/_/g, ' ')}`);
  if (error instanceof errors.JWSSignatureVerificationFailed) return refused('its signature does not verify');
  if (error instanceof errors.JOSEAlgNotAllowed) return refused('its algorithm is not allowed');
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
    return new AppError('UPSTREAM_UNAVAILABLE', "the token issuer's key set (COGO_JWT_JWKS_URL) could not be read", { via: 'auth', cause: error });
  }
  if (error instanceof errors.JOSEError) return refused('it is not a valid JWT');
  return refused('it is not a valid JWT');
}

/** The scopes claim: an OAuth-style space-separated string, or an array of strings. */
function scopesOf(value: unknown): string[] {
  if (typeof value === 'string') return value.split(' ').filter(Boolean);
  if (Array.isArray(value) && value.every((s) => typeof s === 'string')) return value as string[];
  return [];
}

/** Turns verified claims into a principal: `sub` names it, the tenant and scopes claims say what it may reach. */
export function principalFromClaims(payload: JWTPayload, config: Pick<JwtConfig, 'tenantClaim' | 'scopesClaim'>): Principal {
  const tenant = payload[config.tenantClaim];
  if (typeof tenant !== 'string' || !TENANT_NAME.test(tenant)) throw refused(`claim "${config.tenantClaim}" must name a tenant (1–64 letters, digits, _ . -)`);
  if (typeof payload.sub !== 'string' || !payload.sub) throw refused('claim "sub" is missing');
  return { id: `jwt:${payload.sub.slice(0, 200)}`, kind: 'jwt', tenant, scopes: scopesOf(payload[config.scopesClaim]) };
}

/** The principal and when the token stops being valid (its `exp`), so that a verified token may be reused until then. */
export type JwtVerifier = (token: string) => Promise<{ principal: Principal; expiresAtMs: number }>;

/** HS256 with a shared secret, or the issuer's public keys from a JWKS URL (fetched and cached by jose). */
export function createJwtVerifier(config: JwtConfig): JwtVerifier {
  const options = { issuer: config.issuer, audience: config.audience, algorithms: config.secret ? ['HS256'] : JWKS_ALGORITHMS, clockTolerance: 5 };
  const secret = config.secret ? new TextEncoder().encode(config.secret) : undefined;
  const keySet = config.jwksUrl ? createRemoteJWKSet(new URL(config.jwksUrl)) : undefined;
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = secret ? await jwtVerify(token, secret, options) : await jwtVerify(token, keySet as ReturnType<typeof createRemoteJWKSet>, options));
    } catch (error) {
      throw reasonOf(error);
    }
    if (payload.exp === undefined) throw refused('claim "exp" is missing (tokens must expire)');
    const expiresAtMs = payload.exp * 1000;
    return { principal: { ...principalFromClaims(payload, config), expiresAtMs }, expiresAtMs };
  };
}
