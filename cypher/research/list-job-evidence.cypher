// A job's evidence, best ranked first (unranked, e.g. while the job still runs, after).
MATCH (j:Job {id: $jobId, tenant: $tenant})-[p:PRODUCED]->(e:Evidence)
OPTIONAL MATCH (e)-[:FROM]->(s:Source)
WITH e, p, collect(s {.id, .kind, .name, .url}) AS sources
RETURN e {.id, .url, .title, .quote, .retrievedAt, .publishedAt, .contentHash, .kind} AS evidence, sources,
       p.score AS score, p.rank AS rank, coalesce(p.conflictsWith, []) AS conflictsWith
ORDER BY coalesce(p.rank, 2147483647), e.retrievedAt DESC, e.id
LIMIT $first
