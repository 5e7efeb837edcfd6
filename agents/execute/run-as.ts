import { AppError } from '../../src/errors.js';
import { hasScope } from '../../src/auth/principal.js';
import type { KeyStore } from '../../src/auth/key-store.js';
import type { StoredFlow } from './flow.js';

export type Credentials = Pick<KeyStore, 'findById'>;

/**
 * The flow's credential as it stands now, asked before each step: an API key revoked, expired or stripped of a
 * scope since enqueue stops the flow (FORBIDDEN, not retried). A JWT cannot be revoked by COGO: its scopes as
 * presented at enqueue stand (docs/execute.md).
 */
export async function currentScopes(keys: Credentials, runAs: StoredFlow['runAs']): Promise<readonly string[]> {
  if (!runAs.id.startsWith('key_')) return runAs.scopes;
  const key = await keys.findById(runAs.id);
  const stop = (why: string) =>
    new AppError('FORBIDDEN', `the flow's API key ${runAs.id} ${why}; the flow stopped before its next step`, { via: 'auth', retryable: false });
  if (!key || key.tenant !== runAs.tenant) throw stop('no longer exists');
  if (key.revokedAt) throw stop(`was revoked at ${key.revokedAt.toISOString()}`);
  if (key.expiresAt && key.expiresAt.getTime() <= Date.now()) throw stop('has expired');
  return key.scopes;
}

export function requireStepScopes(scopes: readonly string[], needed: string[], step: string): void {
  const missing = needed.find((scope) => !hasScope({ scopes }, scope));
  if (missing)
    throw new AppError('FORBIDDEN', `step "${step}" needs the scope "${missing}", which the flow's credential no longer holds`, {
      via: 'auth',
      retryable: false,
    });
}
