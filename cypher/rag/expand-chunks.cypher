// 1-hop neighbourhood of retrieved chunks: entities the chunk MENTIONS (with where they are defined), entities
// its document DEFINES, documents it IMPORTS and that import it, and Evidence linked to the chunk or document.
UNWIND $chunkIds AS chunkId
MATCH (doc:Document {tenant: $tenant})-[:HAS_CHUNK]->(chunk:Chunk {id: chunkId, tenant: $tenant})
RETURN chunkId,
  doc.id AS documentId,
  COLLECT {
    MATCH (chunk)-[:MENTIONS]->(e:Entity)
    RETURN e { .id, .name, .kind, definedIn: COLLECT { MATCH (od:Document)-[:DEFINES]->(e) RETURN od.path ORDER BY od.path LIMIT 3 } }
    ORDER BY e.name LIMIT $limit
  } AS mentions,
  COLLECT { MATCH (doc)-[:DEFINES]->(e:Entity) RETURN e { .id, .name, .kind } ORDER BY e.name LIMIT $limit } AS defines,
  COLLECT { MATCH (doc)-[:IMPORTS]->(o:Document) RETURN o { .id, .path } ORDER BY o.path LIMIT $limit } AS imports,
  COLLECT { MATCH (o:Document)-[:IMPORTS]->(doc) RETURN o { .id, .path } ORDER BY o.path LIMIT $limit } AS importedBy,
  COLLECT {
    MATCH (ev:Evidence {tenant: $tenant})--(n) WHERE n = chunk OR n = doc
    RETURN DISTINCT ev { .id, .kind, .url, .title, .quote, .retrievedAt } LIMIT $limit
  } AS evidence
