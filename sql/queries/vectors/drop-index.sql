-- $1 tenant, $2 root: the whole index of one root (vectors, file state, embedder claim), in one statement.
WITH dropped_chunks AS (DELETE FROM chunks WHERE tenant = $1 AND root = $2 RETURNING 1),
     dropped_files AS (DELETE FROM index_state WHERE tenant = $1 AND root = $2 RETURNING 1),
     dropped_claim AS (DELETE FROM vector_indexes WHERE tenant = $1 AND root = $2 RETURNING 1)
SELECT (SELECT count(*) FROM dropped_chunks)::int AS chunks,
       (SELECT count(*) FROM dropped_files)::int AS files,
       (SELECT count(*) FROM dropped_claim)::int AS claims
