// graph.upsert (agents/execute): tenant-stamped (:Record) nodes MERGEd on (tenant, id), so a re-run after a crash
// changes nothing; a node this step created carries the step's ledger key (createdBy), which its compensation
// deletes by. The job links to every node it wrote: (:Job)-[:PRODUCED]->(:Record).
MATCH (j:Job {id: $jobId, tenant: $tenant})
UNWIND $nodes AS node
MERGE (n:Record {tenant: $tenant, id: node.id})
  ON CREATE SET n.createdBy = $key, n.createdAt = datetime()
SET n += node.properties, n.kind = node.kind, n.jobId = $jobId
MERGE (j)-[:PRODUCED]->(n)
RETURN count(n) AS n
