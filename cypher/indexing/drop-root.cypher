// Part of a rebuild with another embedder: up to $limit nodes of one root per call, until none are left.
MATCH (n:Document|Chunk|Entity {tenant: $tenant, root: $root})
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS deleted
