// Files that left the root: their chunks and the Document itself go, with every relationship they had.
UNWIND $ids AS id
MATCH (doc:Document {id: id, tenant: $tenant})
CALL (doc) {
  OPTIONAL MATCH (doc)-[:HAS_CHUNK]->(chunk:Chunk)
  DETACH DELETE chunk
}
DETACH DELETE doc
RETURN count(*) AS documents
