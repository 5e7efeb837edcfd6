import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { bearerToken, generateApiKey, hashApiKey, isApiKeyShaped } from '../../src/auth/api-keys.js';
import { createJwtVerifier, principalFromClaims } from '../../src/auth/jwt.js';
import type { JwtConfig } from '../../src/config/index.js';
import { isAppError } from '../../src/errors.js';

const config: JwtConfig = {
  secret: 's'.repeat(40),
  jwksUrl: undefined,
  issuer: 'https://issuer.test',
  audience: 'cogo',
  tenantClaim: 'tenant',
  scopesClaim: 'scope',
};
const key = new TextEncoder().encode(config.secret);

function token(claims: Record<string, unknown>, options: { iss?: string; aud?: string; exp?: string | number | null; alg?: string; sub?: string | null } = {}) {
  let jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: options.alg ?? 'HS256' })
    .setIssuedAt()
    .setIssuer(options.iss ?? config.issuer)
    .setAudience(options.aud ?? config.audience);
  if (options.sub !== null) jwt = jwt.setSubject(options.sub ?? 'user-1');
  if (options.exp !== null) jwt = jwt.setExpirationTime(options.exp ?? '5m');
  return jwt.sign(key);
}

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('API keys', () => {
  it('are 256 random bits after the cogo_ prefix, shown once, stored as their SHA-256', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a.key).toMatch(/^cogo_[A-Za-z0-9_-]{43}$/);
    expect(a.key).not.toBe(b.key);
    expect(a.hash).toBe(hashApiKey(a.key));
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.displayPrefix).toBe(a.key.slice(0, 9));
    expect(a.id).toMatch(/^key_[0-9a-f]{12}$/);
  });

  it('recognises only the exact key shape', () => {
    expect(isApiKeyShaped(generateApiKey().key)).toBe(true);
    expect(isApiKeyShaped('cogo_short')).toBe(false);
    expect(isApiKeyShaped(`cogo_${'a'.repeat(43)}x`)).toBe(false);
    expect(isApiKeyShaped(`xogo_${'a'.repeat(43)}`)).toBe(false);
  });

  it('reads the token of a Bearer Authorization header and nothing else', () => {
    expect(bearerToken('Bearer abc.def')).toBe('abc.def');
    expect(bearerToken('bearer   abc')).toBe('abc');
    expect(bearerToken('Basic dXNlcjpwYXNz')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken('Bearer ')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});

describe('JWT bearer tokens (HS256)', () => {
  const verify = createJwtVerifier(config);

  it('give a principal whose tenant and scopes come from the claims', async () => {
    const verified = await verify(await token({ tenant: 'acme', scope: 'jobs:read search' }));
    expect(verified.principal).toEqual({ id: 'jwt:user-1', kind: 'jwt', tenant: 'acme', scopes: ['jobs:read', 'search'], expiresAtMs: verified.expiresAtMs });
    expect(verified.expiresAtMs).toBeGreaterThan(Date.now() + 4 * 60_000);
    expect((await verify(await token({ tenant: 'acme', scope: ['graph:read'] }))).principal.scopes).toEqual(['graph:read']);
  });

  it.each([
    ['an expired token', () => token({ tenant: 'acme' }, { exp: Math.floor(Date.now() / 1000) - 60 }), /expired/],
    ['another issuer', () => token({ tenant: 'acme' }, { iss: 'https://evil.test' }), /claim "iss"/],
    ['another audience', () => token({ tenant: 'acme' }, { aud: 'someone-else' }), /claim "aud"/],
    ['no tenant claim', () => token({ scope: 'admin' }), /claim "tenant"/],
    ['a tenant with odd characters', () => token({ tenant: 'a/b' }), /claim "tenant"/],
    ['no expiry', () => token({ tenant: 'acme' }, { exp: null }), /"exp" is missing/],
    ['no subject', () => token({ tenant: 'acme' }, { sub: null }), /"sub" is missing/],
    ['an HS512 token', () => token({ tenant: 'acme' }, { alg: 'HS512' }), /algorithm/],
    ['a wrong signature', async () => `${(await token({ tenant: 'acme' })).slice(0, -4)}AAAA`, /signature/],
    [
      'an unsigned token (alg none)',
      async () =>
        `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ tenant: 'acme', sub: 'x', iss: config.issuer, aud: config.audience, exp: 9e9 })).toString('base64url')}.`,
      /not a valid JWT|algorithm/,
    ],
    ['garbage', async () => 'not-a-jwt', /not a valid JWT/],
  ])('refuse %s with UNAUTHENTICATED, naming why', async (_name, make, reason) => {
    const refused = await refusal(verify(await make()));
    expect(refused.code).toBe('UNAUTHENTICATED');
    expect(refused.message).toMatch(reason);
  });

  it('takes the tenant and scopes from configurable claims', () => {
    expect(principalFromClaims({ sub: 'svc', org: 't1', perms: ['search'] }, { tenantClaim: 'org', scopesClaim: 'perms' })).toEqual({
      id: 'jwt:svc',
      kind: 'jwt',
      tenant: 't1',
      scopes: ['search'],
    });
  });
});
