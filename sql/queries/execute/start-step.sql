-- A new row, or one more run of a step a dead worker left `started`; a settled step is never reopened.
INSERT INTO action_ledger (key, job_id, step, position, tenant, action, status, input)
VALUES ($1, $2, $3, $4, $5, $6, 'started', $7::jsonb)
ON CONFLICT (key) DO UPDATE
  SET attempts = action_ledger.attempts + 1, input = EXCLUDED.input, updated_at = now()
  WHERE action_ledger.status = 'started'
RETURNING status
