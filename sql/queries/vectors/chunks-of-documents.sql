-- $1 tenant, $2 root, $3 document paths: stored chunks of those files (text and metadata, no vectors).
SELECT id, document_path AS path, start_line, end_line, kind, content, metadata
FROM chunks
WHERE tenant = $1 AND root = $2 AND document_path = ANY($3::text[])
ORDER BY document_path, start_line
