// A job's artifacts: one (:Artifact) per (job, path), keyed by a stable id so a re-run of the job changes
// nothing; the bytes are addressed by sha256 in the artifact store (shared by every artifact with that content).
MATCH (j:Job {id: $jobId, tenant: $tenant})
UNWIND $artifacts AS artifact
MERGE (a:Artifact {id: artifact.id})
SET a += artifact, a.tenant = $tenant, a.jobId = $jobId
MERGE (j)-[:PRODUCED]->(a)
RETURN count(a) AS n
