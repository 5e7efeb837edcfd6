-- $1 tenant, $2 chunk ids, $3 terms, $4 weighted term frequencies (same length): the BM25 postings of chunks
-- just written (their old postings were deleted first by `delete-terms`).
INSERT INTO chunk_terms (tenant, chunk_id, term, tf)
SELECT $1, t.chunk_id, t.term, t.tf
FROM unnest($2::text[], $3::text[], $4::real[]) AS t(chunk_id, term, tf)
ON CONFLICT (tenant, term, chunk_id) DO UPDATE SET tf = EXCLUDED.tf
