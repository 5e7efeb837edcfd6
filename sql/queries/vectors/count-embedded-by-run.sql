-- $1 tenant, $2 root, $3 run key: vectors one indexing run stored (each once, across its re-claimed attempts).
SELECT count(*)::int AS n FROM chunks WHERE tenant = $1 AND root = $2 AND metadata->>'indexRun' = $3
