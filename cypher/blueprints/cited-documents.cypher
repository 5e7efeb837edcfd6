// The documents whose chunks a job cited, with the entities each exports: what an orchestrate job's module
// blueprint describes (agents/orchestrator/blueprint-proposal.ts).
UNWIND $chunkIds AS chunkId
MATCH (doc:Document {tenant: $tenant})-[:HAS_CHUNK]->(:Chunk {id: chunkId, tenant: $tenant})
WITH DISTINCT doc
RETURN doc.id AS id, doc.path AS path,
  COLLECT {
    MATCH (doc)-[r:DEFINES]->(e:Entity {tenant: $tenant}) WHERE r.exported = true
    RETURN e { .id, .name, .kind } ORDER BY e.name LIMIT 200
  } AS exports
ORDER BY path
