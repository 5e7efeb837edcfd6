import { createHash, randomBytes } from 'node:crypto';

/** Every API key starts with this, so that secret scanners and people recognise one. */
export const API_KEY_PREFIX = 'cogo_';
const API_KEY = /^cogo_[A-Za-z0-9_-]{43}$/;

/**
 * A new key: 256 random bits after the prefix. The key itself is shown once; the store keeps its SHA-256 only.
 * A plain hash suffices (docs/security.md): slow password hashes protect guessable secrets, and 256 random bits
 * cannot be guessed, so a leaked table gives nothing a brute force could use.
 */
export function generateApiKey(): { key: string; id: string; hash: string; displayPrefix: string } {
  const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { key, id: `key_${randomBytes(6).toString('hex')}`, hash: hashApiKey(key), displayPrefix: key.slice(0, 9) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** True for a string shaped like one of our keys (anything else with the prefix is refused before a lookup). */
export function isApiKeyShaped(token: string): boolean {
  return API_KEY.test(token);
}

/** `Bearer <token>` → the token; anything else (other schemes, empty, extra parts) → undefined. */
export function bearerToken(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const match = /^Bearer +([^\s]+) *$/i.exec(authorization);
  return match?.[1];
}
