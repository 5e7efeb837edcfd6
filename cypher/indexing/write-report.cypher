// The job's JSON report as an Artifact the job PRODUCED; one per job, so a re-run replaces it.
MATCH (j:Job {id: $jobId, tenant: $tenant})
MERGE (a:Artifact {id: $artifact.id})
SET a += $artifact
MERGE (j)-[:PRODUCED]->(a)
RETURN a.id AS id
