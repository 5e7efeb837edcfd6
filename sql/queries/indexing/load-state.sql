-- $1 tenant, $2 root: what the indexer last stored per file.
SELECT path, size, mtime_ms, sha256, chunk_ids, job_id, last_change FROM index_state WHERE tenant = $1 AND root = $2
