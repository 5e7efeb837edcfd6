-- $1 tenant, $2 root, $3 paths to leave out, $4 LIKE patterns (null: every chunk), $5 the last id of the previous
-- page, $6 page size: chunks of the root outside those files whose text contains any of the patterns, by id.
SELECT id, root, document_path AS path, start_line, end_line, kind, content, metadata
FROM chunks
WHERE tenant = $1 AND root = $2 AND NOT (document_path = ANY($3::text[]))
  AND ($4::text[] IS NULL OR content LIKE ANY($4::text[])) AND id > $5
ORDER BY id
LIMIT $6
