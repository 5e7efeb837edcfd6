-- $1 tenant, $2 root, $3 jsonb array of {path, size, mtime_ms}: files whose mtime moved but whose bytes did not.
UPDATE index_state s
SET size = r.size, mtime_ms = r.mtime_ms, updated_at = now()
FROM jsonb_to_recordset($3::jsonb) AS r(path text, size bigint, mtime_ms double precision)
WHERE s.tenant = $1 AND s.root = $2 AND s.path = r.path
