// graph.upsert's compensation: removes what that step created (by its ledger key), never a node or relationship
// that existed before it.
OPTIONAL MATCH (:Record {tenant: $tenant})-[r:RELATES {createdBy: $key}]->(:Record {tenant: $tenant})
DELETE r
WITH count(r) AS relationships
OPTIONAL MATCH (n:Record {tenant: $tenant, createdBy: $key})
DETACH DELETE n
RETURN relationships, count(n) AS nodes
