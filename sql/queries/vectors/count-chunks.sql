-- $1 tenant, $2 root|null: stored chunks.
SELECT count(*)::int AS n FROM chunks WHERE tenant = $1 AND ($2::text IS NULL OR root = $2)
