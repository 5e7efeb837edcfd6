-- $1 tenant, $2 root, $3 run key: the files one indexing run wrote, and what it found for each.
SELECT path, last_change FROM index_state WHERE tenant = $1 AND root = $2 AND job_id = $3 ORDER BY path
