// Evidence of one tenant (optionally of one job) matching a keyword query, best fulltext score first.
CALL db.index.fulltext.queryNodes('knowledge_text', $query, {limit: $scanLimit}) YIELD node, score
WHERE node:Evidence AND node.tenant = $tenant
  AND ($jobId IS NULL OR EXISTS { MATCH (:Job {id: $jobId, tenant: $tenant})-[:PRODUCED]->(node) })
WITH node AS e, score
ORDER BY score DESC
LIMIT $first
OPTIONAL MATCH (e)-[:FROM]->(s:Source)
WITH e, score, collect(s {.id, .kind, .name, .url}) AS sources
RETURN e {.id, .url, .title, .quote, .retrievedAt, .publishedAt, .contentHash, .kind} AS evidence, sources,
       score, null AS rank, [] AS conflictsWith
ORDER BY score DESC, e.id
