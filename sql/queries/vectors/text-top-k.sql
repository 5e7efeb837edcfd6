-- $1 websearch query text, $2 tenant, $3 roots|null, $4 path LIKE patterns|null, $5 kinds|null, $6 limit.
-- The GIN index on the generated `tsv` column finds matches; ts_rank orders them.
SELECT id, root, document_path AS path, start_line, end_line, kind, content, metadata, ts_rank(tsv, q) AS score
FROM chunks, websearch_to_tsquery('simple', $1) AS q
WHERE tsv @@ q AND tenant = $2
  AND ($3::text[] IS NULL OR root = ANY($3::text[]))
  AND ($4::text[] IS NULL OR document_path LIKE ANY($4::text[]))
  AND ($5::text[] IS NULL OR kind = ANY($5::text[]))
ORDER BY score DESC, id
LIMIT $6
