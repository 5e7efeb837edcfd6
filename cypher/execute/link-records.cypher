// graph.upsert's relationships: (:Record)-[:RELATES {type}]->(:Record) within the tenant, MERGEd so a re-run
// adds nothing (relationship types cannot be parameters of a named statement: the type is a property).
UNWIND $relationships AS rel
MATCH (a:Record {tenant: $tenant, id: rel.from})
MATCH (b:Record {tenant: $tenant, id: rel.to})
MERGE (a)-[r:RELATES {type: rel.type}]->(b)
  ON CREATE SET r.createdBy = $key
SET r += rel.properties
RETURN count(r) AS n
