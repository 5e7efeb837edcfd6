// After a run: entities no file defines any more, and import targets that never became indexed files and
// that nothing imports, are removed.
CALL () {
  MATCH (e:Entity {tenant: $tenant, root: $root})
  WHERE NOT EXISTS { MATCH (:Document)-[:DEFINES]->(e) }
  DETACH DELETE e
  RETURN count(e) AS entities
}
CALL () {
  MATCH (d:Document {tenant: $tenant, root: $root, stub: true})
  WHERE NOT EXISTS { MATCH (:Document)-[:IMPORTS]->(d) }
  DETACH DELETE d
  RETURN count(d) AS stubs
}
RETURN entities, stubs
