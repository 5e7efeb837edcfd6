// The graph benchmark's hand-written baseline (bench/graph.ts): the same read as the generated API's nested query
// job → evidence (by rank, first 50) → sources, tenant-confined at every level, in one statement.
MATCH (j:Job {id: $jobId, tenant: $tenant})
CALL (j) {
  MATCH (j)-[p:PRODUCED]->(e:Evidence {tenant: $tenant})
  WITH p, e ORDER BY p.rank LIMIT 50
  RETURN collect({
    rank: p.rank,
    node: e {.id, .title, .url, sources: COLLECT { MATCH (e)-[:FROM]->(s:Source {tenant: $tenant}) RETURN s {.id, .name, .url} }}
  }) AS edges
}
RETURN j {.id, .type, .status, edges: edges} AS job
