SELECT key, step, position, action, status, attempts, compensation_attempts, input, output, error
FROM action_ledger
WHERE job_id = $1
ORDER BY position
