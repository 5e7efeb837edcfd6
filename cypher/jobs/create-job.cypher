// New jobs, linked to their parents. MERGE on id: the same enqueue replayed creates nothing new.
UNWIND $jobs AS job
MERGE (j:Job {id: job.id})
ON CREATE SET j += job, j.createdAt = datetime(job.enqueuedAt)
WITH j, job
OPTIONAL MATCH (parent:Job {id: job.parentJobId, tenant: job.tenant})
FOREACH (_ IN CASE WHEN parent IS NULL THEN [] ELSE [1] END | MERGE (j)-[:CHILD_OF]->(parent))
