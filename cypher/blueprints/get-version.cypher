// One blueprint version of the tenant with the ids it links to (for diffs and reads after a write).
MATCH (b:Blueprint {id: $id, tenant: $tenant})
OPTIONAL MATCH (b)-[:PREVIOUS]->(prev:Blueprint)
OPTIONAL MATCH (b)-[:DESCRIBES]->(d:Document)
OPTIONAL MATCH (b)-[:DESCRIBES]->(e:Entity)
OPTIONAL MATCH (b)-[:CITES]->(ev:Evidence)
RETURN b {.*} AS blueprint, prev.id AS previousId, collect(DISTINCT d.id) AS documentIds,
       collect(DISTINCT e.id) AS entityIds, collect(DISTINCT ev.id) AS evidenceIds
