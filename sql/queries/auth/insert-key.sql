INSERT INTO api_keys (id, key_hash, key_prefix, name, tenant, scopes, expires_at)
VALUES ($1, $2, $3, $4, $5, $6::text[], $7::timestamptz)
RETURNING id, key_prefix, name, tenant, scopes, created_at, expires_at, revoked_at
