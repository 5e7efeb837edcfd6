-- $1 tenant, $2 chunk ids: those stored chunks of the tenant (text and metadata, no vectors), any root.
SELECT id, root, document_path AS path, start_line, end_line, kind, content, metadata
FROM chunks
WHERE tenant = $1 AND id = ANY($2::text[])
