SELECT id, tenant, scopes, expires_at, revoked_at
FROM api_keys
WHERE id = $1
