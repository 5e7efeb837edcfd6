SELECT id, key_prefix, name, tenant, scopes, created_at, expires_at, revoked_at
FROM api_keys
WHERE $1::text IS NULL OR tenant = $1
ORDER BY created_at, id
