// Dead letters and failed jobs of the last day, newest first, with the error each ended on.
:param tenant => 'default';
MATCH (j:Job {tenant: $tenant})
WHERE j.status IN ['dead', 'failed'] AND j.createdAt >= datetime() - duration('P1D')
RETURN j.id AS job, j.type AS type, j.status AS status, j.attempts AS attempts, j.finishedAt AS finishedAt,
       j.errorJson AS error
ORDER BY j.finishedAt DESC;
