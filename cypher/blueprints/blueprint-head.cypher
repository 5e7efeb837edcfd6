// The newest version of one blueprint (the one no later version points PREVIOUS to), with what it links to:
// a new proposal is compared with it (an identical one is not a new version) and chained to it.
MATCH (b:Blueprint {tenant: $tenant, name: $name})
WHERE NOT EXISTS { MATCH (:Blueprint)-[:PREVIOUS]->(b) }
OPTIONAL MATCH (b)-[:DESCRIBES]->(d:Document)
OPTIONAL MATCH (b)-[:DESCRIBES]->(e:Entity)
OPTIONAL MATCH (b)-[:CITES]->(ev:Evidence)
RETURN b {.*} AS blueprint, collect(DISTINCT d.id) AS documentIds, collect(DISTINCT e.id) AS entityIds,
       collect(DISTINCT ev.id) AS evidenceIds
