MATCH (j:Job {id: $id, tenant: $tenant})
OPTIONAL MATCH (j)-[:CHILD_OF]->(parent:Job)
OPTIONAL MATCH (j)-[:PRODUCED]->(a:Artifact)
RETURN j {.*} AS job, parent.id AS parentJobId, collect(a {.*}) AS artifacts
