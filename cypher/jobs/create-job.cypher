// A new job, linked to its parent. MERGE on id: the same enqueue replayed creates nothing new.
MERGE (j:Job {id: $job.id})
ON CREATE SET j += $job, j.createdAt = datetime($job.enqueuedAt)
WITH j
OPTIONAL MATCH (parent:Job {id: $parentJobId, tenant: $job.tenant})
FOREACH (_ IN CASE WHEN parent IS NULL THEN [] ELSE [1] END | MERGE (j)-[:CHILD_OF]->(parent))
RETURN j.id AS id, parent IS NOT NULL AS linked
