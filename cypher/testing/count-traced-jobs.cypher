// How many (:Job) records a test platform's requests made (see delete-traced-jobs.cypher): counts that other
// tests, running at the same time against the same Neo4j, cannot change.
MATCH (j:Job {tenant: $tenant})
WHERE j.traceId STARTS WITH $traceTag
RETURN count(j) AS n
