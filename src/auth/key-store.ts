import type { SqlClient } from '../db/sql-client.js';
import { AppError } from '../errors.js';
import { sqlQuery } from '../vectors/sql-files.js';
import { generateApiKey } from './api-keys.js';
import { TENANT_NAME } from './principal.js';
import { isKnownScope } from './scopes.js';

/** A key as listed: everything but the key itself, which is never stored. */
export interface ApiKeyRecord {
  id: string;
  prefix: string;
  name: string;
  tenant: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

/** What authentication needs of a key, found by the hash of the presented key. */
export interface StoredKey {
  id: string;
  tenant: string;
  scopes: string[];
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export interface NewKey {
  name: string;
  tenant: string;
  scopes: string[];
  expiresAt?: Date | null;
}

type Row = Record<string, unknown>;
const iso = (value: unknown) => (value === null || value === undefined ? null : new Date(value as string).toISOString());
const toRecord = (row: Row): ApiKeyRecord => ({
  id: row.id as string,
  prefix: row.key_prefix as string,
  name: row.name as string,
  tenant: row.tenant as string,
  scopes: row.scopes as string[],
  createdAt: iso(row.created_at) as string,
  expiresAt: iso(row.expires_at),
  revokedAt: iso(row.revoked_at),
});

const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));
const toStoredKey = (row: Row): StoredKey => ({
  id: row.id as string,
  tenant: row.tenant as string,
  scopes: row.scopes as string[],
  expiresAt: date(row.expires_at),
  revokedAt: date(row.revoked_at),
});

function validate(request: NewKey): void {
  const bad = (message: string) => new AppError('BAD_INPUT', message, { via: 'keys' });
  if (!TENANT_NAME.test(request.tenant)) throw bad('the tenant must be 1–64 letters, digits, _ . or -');
  if (!request.name.trim() || request.name.length > 100) throw bad('the key name must be 1–100 characters');
  if (request.scopes.length === 0) throw bad('a key needs at least one scope (see docs/security.md)');
  const unknown = request.scopes.filter((scope) => !isKnownScope(scope));
  if (unknown.length) throw bad(`unknown scope ${unknown.map((s) => `"${s}"`).join(', ')} (see docs/security.md)`);
  if (request.expiresAt && request.expiresAt.getTime() <= Date.now()) throw bad('the expiry must be in the future');
}

/** API keys in Postgres (`api_keys`, sql/migrations/007): created, listed, revoked, looked up by hash. */
export function createKeyStore(sql: Pick<SqlClient, 'query'>) {
  return {
    /** Returns the key once: only its hash is kept. */
    async create(request: NewKey): Promise<{ key: string; record: ApiKeyRecord }> {
      validate(request);
      const fresh = generateApiKey();
      const { rows } = await sql.query(sqlQuery('auth/insert-key'), [
        fresh.id,
        fresh.hash,
        fresh.displayPrefix,
        request.name.trim(),
        request.tenant,
        [...new Set(request.scopes)],
        request.expiresAt?.toISOString() ?? null,
      ]);
      return { key: fresh.key, record: toRecord(rows[0] as Row) };
    },
    async list(tenant?: string): Promise<ApiKeyRecord[]> {
      const { rows } = await sql.query(sqlQuery('auth/list-keys'), [tenant ?? null]);
      return rows.map(toRecord);
    },
    /** Marks the key revoked (idempotent); NOT_FOUND for an id that never existed. */
    async revoke(id: string): Promise<{ id: string; tenant: string; revokedAt: string }> {
      const { rows } = await sql.query(sqlQuery('auth/revoke-key'), [id]);
      const row = rows[0];
      if (!row) throw new AppError('NOT_FOUND', `no API key ${id.slice(0, 40)}`, { via: 'keys' });
      return { id: row.id as string, tenant: row.tenant as string, revokedAt: iso(row.revoked_at) as string };
    },
    async findByHash(hash: string): Promise<StoredKey | null> {
      const { rows } = await sql.query(sqlQuery('auth/find-key-by-hash'), [hash]);
      return rows[0] ? toStoredKey(rows[0] as Row) : null;
    },
    /** The key as it stands now (revoked, expired, its scopes): what a long-running job checks before each step. */
    async findById(id: string): Promise<StoredKey | null> {
      const { rows } = await sql.query(sqlQuery('auth/find-key-by-id'), [id]);
      return rows[0] ? toStoredKey(rows[0] as Row) : null;
    },
  };
}

export type KeyStore = ReturnType<typeof createKeyStore>;
