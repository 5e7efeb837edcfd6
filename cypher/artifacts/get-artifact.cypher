// One artifact, only within the caller's tenant: another tenant's id reads as not found. The job comes from the
// PRODUCED link where the node does not carry it (indexing reports).
MATCH (a:Artifact {id: $id, tenant: $tenant})
OPTIONAL MATCH (j:Job)-[:PRODUCED]->(a)
WITH a, head(collect(j.id)) AS producer
RETURN a {.*, jobId: coalesce(a.jobId, producer)} AS artifact
