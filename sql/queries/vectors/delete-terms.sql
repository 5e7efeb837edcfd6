-- $1 tenant, $2 chunk ids: their BM25 postings, before the chunks are written again.
DELETE FROM chunk_terms WHERE tenant = $1 AND chunk_id = ANY($2::text[])
