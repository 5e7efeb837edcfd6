-- $1 tenant, $2 root, $3 embedder id, $4..$12 one array per column (same length). Only written while the index
-- of (tenant, root) belongs to $3: a row refused here is reported as an embedder mismatch by the caller.
INSERT INTO chunks (id, tenant, root, document_path, start_line, end_line, kind, content, content_hash, embedder, embedding, metadata)
SELECT r.id, $1, $2, r.path, r.start_line, r.end_line, r.kind, r.content, r.content_hash, $3, r.embedding::vector, r.metadata::jsonb
FROM unnest($4::text[], $5::text[], $6::int[], $7::int[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[])
  AS r(id, path, start_line, end_line, kind, content, content_hash, embedding, metadata)
WHERE EXISTS (SELECT 1 FROM vector_indexes v WHERE v.tenant = $1 AND v.root = $2 AND v.embedder = $3)
ON CONFLICT (id) DO UPDATE SET
  document_path = EXCLUDED.document_path,
  start_line = EXCLUDED.start_line,
  end_line = EXCLUDED.end_line,
  kind = EXCLUDED.kind,
  content = EXCLUDED.content,
  content_hash = EXCLUDED.content_hash,
  embedder = EXCLUDED.embedder,
  embedding = EXCLUDED.embedding,
  metadata = EXCLUDED.metadata
RETURNING 1
