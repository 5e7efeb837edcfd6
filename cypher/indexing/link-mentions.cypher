// A chunk MENTIONS the entities of its root whose names appear in its text; the list replaces the old one.
UNWIND $links AS l
MATCH (chunk:Chunk {id: l.chunkId, tenant: $tenant})
CALL (chunk) {
  OPTIONAL MATCH (chunk)-[m:MENTIONS]->()
  DELETE m
}
CALL (chunk, l) {
  UNWIND l.entityIds AS entityId
  MATCH (e:Entity {id: entityId, tenant: $tenant})
  MERGE (chunk)-[:MENTIONS]->(e)
}
RETURN count(chunk) AS chunks
