UPDATE action_ledger
SET status = 'compensating', compensation_attempts = compensation_attempts + 1, updated_at = now()
WHERE key = $1 AND status IN ('succeeded', 'compensating', 'compensation_failed')
RETURNING status
