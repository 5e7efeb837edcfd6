// One batch of changed files: each Document MERGEd on its stable id and PRODUCED by the job, its chunks replaced
// (stale ones detached and deleted, current ones MERGEd with their line range), its DEFINES and IMPORTS rebuilt.
// Every node carries tenant and root. Running it twice with the same batch changes nothing.
UNWIND $docs AS d
MERGE (doc:Document {id: d.id})
SET doc.tenant = $tenant, doc.root = $root, doc.path = d.path, doc.title = d.title, doc.language = d.language,
    doc.size = d.size, doc.sha256 = d.sha256, doc.chunkCount = size(d.chunks), doc.indexedAt = datetime(), doc.stub = null
WITH doc, d
CALL (doc) {
  OPTIONAL MATCH (j:Job {id: $jobId, tenant: $tenant})
  FOREACH (_ IN CASE WHEN j IS NULL THEN [] ELSE [1] END | MERGE (j)-[:PRODUCED]->(doc))
}
CALL (doc, d) {
  OPTIONAL MATCH (doc)-[:HAS_CHUNK]->(old:Chunk)
  WHERE NOT old.id IN [c IN d.chunks | c.id]
  DETACH DELETE old
}
CALL (doc, d) {
  UNWIND d.chunks AS c
  MERGE (chunk:Chunk {id: c.id})
  SET chunk.tenant = $tenant, chunk.root = $root, chunk.vectorRow = c.id, chunk.path = d.path,
      chunk.startLine = c.startLine, chunk.endLine = c.endLine, chunk.kind = c.kind, chunk.title = c.title
  MERGE (doc)-[:HAS_CHUNK]->(chunk)
}
CALL (doc) {
  OPTIONAL MATCH (doc)-[r:DEFINES|IMPORTS]->()
  DELETE r
}
CALL (doc, d) {
  UNWIND d.symbols AS s
  MERGE (e:Entity {id: s.id})
  ON CREATE SET e.tenant = $tenant, e.root = $root, e.kind = s.kind, e.name = s.name
  MERGE (doc)-[r:DEFINES]->(e)
  SET r.exported = s.exported
}
CALL (doc, d) {
  UNWIND d.imports AS i
  MERGE (target:Document {id: i.id})
  ON CREATE SET target.tenant = $tenant, target.root = $root, target.path = i.path, target.stub = true
  MERGE (doc)-[r:IMPORTS]->(target)
  SET r.specifier = i.specifier, r.kind = i.kind
}
RETURN count(doc) AS documents
