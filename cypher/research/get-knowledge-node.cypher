// One node found by search-knowledge, read back as a document. Each OPTIONAL MATCH uses its label's id constraint.
OPTIONAL MATCH (e:Evidence {id: $id, tenant: $tenant}) WHERE $kind = 'evidence'
OPTIONAL MATCH (d:Document {id: $id, tenant: $tenant}) WHERE $kind = 'document'
OPTIONAL MATCH (x:Entity {id: $id, tenant: $tenant}) WHERE $kind = 'entity'
WITH coalesce(e, d, x) AS n
WHERE n IS NOT NULL
RETURN n.id AS id,
       n.url AS url,
       coalesce(n.title, n.name, n.path, n.id) AS title,
       coalesce(n.text, n.quote, n.summary, n.description, n.name, n.title, n.path, '') AS text,
       n.retrievedAt AS retrievedAt,
       n.publishedAt AS publishedAt
