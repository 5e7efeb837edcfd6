// The claims several pages of a research job make: (:Evidence)-[:SUPPORTS {says, numbers}]->(:Claim). MERGE on
// content-derived ids, so a rerun adds nothing; a claim's status and supporter count are recomputed from every
// SUPPORTS it has, so evidence of another job that makes the same claim counts too.
UNWIND $claims AS c
MERGE (cl:Claim {id: c.id})
  ON CREATE SET cl.tenant = $tenant, cl.text = c.text, cl.createdAt = datetime(), cl.firstJobId = $jobId
WITH cl, c
UNWIND c.supports AS s
MATCH (e:Evidence {id: s.evidenceId, tenant: $tenant})
MERGE (e)-[r:SUPPORTS]->(cl)
SET r.says = s.says, r.numbers = s.numbers
WITH DISTINCT cl
MATCH (:Evidence)-[r:SUPPORTS]->(cl)
WITH cl, count(r) AS supporters, count(DISTINCT r.numbers) AS values
SET cl.supporters = supporters, cl.status = CASE WHEN values > 1 THEN 'disputed' ELSE 'corroborated' END
RETURN count(cl) AS claims
