SELECT id, tenant, scopes, expires_at, revoked_at
FROM api_keys
WHERE key_hash = $1
