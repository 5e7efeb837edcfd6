// A new version of a blueprint, chained to the version it follows with PREVIOUS (the older ones stay as they
// are: history), DESCRIBES the documents and entities of the indexed code, CITES evidence, and is PRODUCED by the
// job that proposed it. The id is the tenant, name and version, so two proposals racing for one version collide
// on the uniqueness constraint instead of forking the chain.
OPTIONAL MATCH (prev:Blueprint {tenant: $tenant, id: $previousId})
CREATE (b:Blueprint {id: $blueprint.id})
SET b += $blueprint, b.tenant = $tenant, b.createdAt = datetime()
FOREACH (_ IN CASE WHEN prev IS NULL THEN [] ELSE [1] END | CREATE (b)-[:PREVIOUS]->(prev))
WITH b, prev
// Design components that implement the blueprint implement its new version too (cypher/designs/link-blueprints).
CALL (b, prev) {
  MATCH (design:DesignNode)-[:IMPLEMENTS]->(prev)
  MERGE (design)-[:IMPLEMENTS]->(b)
}
WITH b
CALL (b) {
  UNWIND $documentIds AS id
  MATCH (d:Document {id: id, tenant: $tenant})
  MERGE (b)-[:DESCRIBES]->(d)
}
CALL (b) {
  UNWIND $entityIds AS id
  MATCH (e:Entity {id: id, tenant: $tenant})
  MERGE (b)-[:DESCRIBES]->(e)
}
CALL (b) {
  UNWIND $evidenceIds AS id
  MATCH (e:Evidence {id: id, tenant: $tenant})
  MERGE (b)-[:CITES]->(e)
}
CALL (b) {
  OPTIONAL MATCH (j:Job {id: $jobId, tenant: $tenant})
  FOREACH (_ IN CASE WHEN j IS NULL THEN [] ELSE [1] END | MERGE (j)-[:PRODUCED]->(b))
}
RETURN b {.*} AS blueprint
