// New jobs, linked to their parents. A worker may already have recorded a status for the job (it can start
// before this write lands): the record's fixed facts are set here, its status only if none is there yet.
UNWIND $jobs AS job
MERGE (j:Job {id: job.id})
SET j.type = job.type, j.tenant = job.tenant, j.traceId = job.traceId, j.idempotencyKey = job.idempotencyKey,
    j.parentJobId = job.parentJobId, j.principal = job.principal, j.enqueuedAt = job.enqueuedAt,
    j.maxAttempts = job.maxAttempts, j.inputJson = job.inputJson, j.createdAt = datetime(job.enqueuedAt),
    j.status = coalesce(j.status, job.status), j.attempts = coalesce(j.attempts, job.attempts),
    j.updatedAtMs = coalesce(j.updatedAtMs, job.updatedAtMs)
WITH j, job
OPTIONAL MATCH (parent:Job {id: job.parentJobId, tenant: job.tenant})
FOREACH (_ IN CASE WHEN parent IS NULL THEN [] ELSE [1] END | MERGE (j)-[:CHILD_OF]->(parent))
