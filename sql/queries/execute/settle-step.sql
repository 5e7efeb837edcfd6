-- started → succeeded (with the output) or failed (with the error); a row already settled stays as it is.
UPDATE action_ledger
SET status = $2, output = $3::jsonb, error = $4::jsonb, finished_at = now(), updated_at = now()
WHERE key = $1 AND status = 'started'
RETURNING status
