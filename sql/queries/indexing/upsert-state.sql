-- $1 tenant, $2 root, $3 job id, $4 jsonb array of {path, size, mtime_ms, sha256, chunk_ids, last_change}.
INSERT INTO index_state (tenant, root, path, size, mtime_ms, sha256, chunk_ids, job_id, last_change, updated_at)
SELECT $1, $2, r.path, r.size, r.mtime_ms, r.sha256, ARRAY(SELECT jsonb_array_elements_text(r.chunk_ids)), $3, r.last_change, now()
FROM jsonb_to_recordset($4::jsonb) AS r(path text, size bigint, mtime_ms double precision, sha256 text, chunk_ids jsonb, last_change text)
ON CONFLICT (tenant, root, path) DO UPDATE SET
  size = EXCLUDED.size,
  mtime_ms = EXCLUDED.mtime_ms,
  sha256 = EXCLUDED.sha256,
  chunk_ids = EXCLUDED.chunk_ids,
  job_id = EXCLUDED.job_id,
  last_change = EXCLUDED.last_change,
  updated_at = now()
