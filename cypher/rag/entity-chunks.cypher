// Chunks of the entities a question names, best first: a chunk that declares the entity (its document DEFINES it
// and the chunk's title names it), then chunks that MENTION it, more named entities first. Scoped like the
// retriever's other lists (roots, path prefixes, kinds).
UNWIND $names AS name
MATCH (e:Entity {name: name, tenant: $tenant})
WHERE $roots IS NULL OR e.root IN $roots
CALL (e) {
  MATCH (doc:Document)-[:DEFINES]->(e), (doc)-[:HAS_CHUNK]->(c:Chunk)
  WHERE c.title = e.name OR e.name IN split(c.title, ', ') OR c.title ENDS WITH '.' + e.name
  RETURN DISTINCT c, 0 AS tier
  LIMIT $perEntity
  UNION
  MATCH (c:Chunk)-[:MENTIONS]->(e)
  RETURN c, 1 AS tier
  LIMIT $mentionsPerEntity
}
WITH c, tier, e
WHERE ($pathPrefixes IS NULL OR any(prefix IN $pathPrefixes WHERE c.path STARTS WITH prefix))
  AND ($kinds IS NULL OR c.kind IN $kinds)
WITH c.id AS chunkId, min(tier) AS tier, count(DISTINCT e) AS entities
RETURN chunkId
ORDER BY tier, entities DESC, chunkId
LIMIT $limit
