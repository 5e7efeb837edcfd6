-- compensating → compensated, or compensation_failed with the error (a later retry of the job may try again).
UPDATE action_ledger
SET status = $2, error = $3::jsonb, finished_at = now(), updated_at = now()
WHERE key = $1 AND status = 'compensating'
RETURNING status
