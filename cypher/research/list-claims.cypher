// Claims of a tenant, newest first: all, or those a job's evidence supports; each with what every page says.
MATCH (c:Claim {tenant: $tenant})
WHERE ($status IS NULL OR c.status = $status)
  AND ($jobId IS NULL OR EXISTS { MATCH (:Job {id: $jobId, tenant: $tenant})-[:PRODUCED]->(:Evidence)-[:SUPPORTS]->(c) })
WITH c ORDER BY c.createdAt DESC, c.id LIMIT $first
MATCH (e:Evidence)-[r:SUPPORTS]->(c)
WITH c, e, r ORDER BY r.numbers, e.id
WITH c, collect({evidenceId: e.id, url: e.url, title: e.title, says: r.says, numbers: r.numbers}) AS support
RETURN c {.id, .text, .status, .supporters} AS claim, support
ORDER BY c.createdAt DESC, c.id
