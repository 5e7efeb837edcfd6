// The latest jobs of a tenant, newest first, with what each produced.
:param tenant => 'default';
:param limit => 25;
MATCH (j:Job {tenant: $tenant})
OPTIONAL MATCH (j)-[:PRODUCED]->(out)
RETURN j.id AS job, j.type AS type, j.status AS status, j.attempts AS attempts, j.enqueuedAt AS enqueuedAt,
       j.finishedAt AS finishedAt, count(out) AS produced
ORDER BY j.enqueuedAt DESC
LIMIT toInteger($limit);
