-- $1 tenant, $2 chunk ids, $3 embedder id: the ids already stored with a vector of that embedder (and BM25 terms:
-- chunks stored before migration 008 are written again, with their terms, when their file is read).
SELECT id FROM chunks WHERE tenant = $1 AND id = ANY($2::text[]) AND embedder = $3 AND lex_length IS NOT NULL
