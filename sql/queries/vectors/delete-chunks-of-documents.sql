-- $1 tenant, $2 root, $3 document paths, $4 ids to keep ('{}' = none): stale chunks of changed files, or every
-- chunk of deleted ones.
DELETE FROM chunks
WHERE tenant = $1 AND root = $2 AND document_path = ANY($3::text[]) AND NOT (id = ANY($4::text[]))
RETURNING id
