-- $1 query vector, $2 tenant, $3 embedder id, $4 roots|null, $5 path LIKE patterns|null, $6 kinds|null, $7 limit.
-- Cosine distance on the HNSW index; the MATERIALIZED CTE keeps the index scan (iterative where pgvector ≥ 0.8
-- allows it) and the outer ORDER BY restores exact order after a relaxed-order scan.
WITH hits AS MATERIALIZED (
  SELECT id, root, document_path, start_line, end_line, kind, content, metadata, embedding <=> $1::vector AS distance
  FROM chunks
  WHERE tenant = $2 AND embedder = $3
    AND ($4::text[] IS NULL OR root = ANY($4::text[]))
    AND ($5::text[] IS NULL OR document_path LIKE ANY($5::text[]))
    AND ($6::text[] IS NULL OR kind = ANY($6::text[]))
  ORDER BY embedding <=> $1::vector
  LIMIT $7
)
SELECT id, root, document_path AS path, start_line, end_line, kind, content, metadata, distance
FROM hits
ORDER BY distance, id
