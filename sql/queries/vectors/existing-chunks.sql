-- $1 tenant, $2 chunk ids, $3 embedder id: the ids already stored with a vector of that embedder.
SELECT id FROM chunks WHERE tenant = $1 AND id = ANY($2::text[]) AND embedder = $3
