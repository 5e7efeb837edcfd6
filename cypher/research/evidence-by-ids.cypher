// What an earlier attempt of a job stored, read back so a re-claimed job resumes instead of refetching.
UNWIND $ids AS id
MATCH (e:Evidence {id: id, tenant: $tenant})
OPTIONAL MATCH (e)-[:FROM]->(s:Source)
WITH e, collect(s {.id, .kind, .name, .url}) AS sources
RETURN e {.id, .url, .title, .quote, .text, .retrievedAt, .publishedAt, .contentHash, .kind} AS evidence, sources
