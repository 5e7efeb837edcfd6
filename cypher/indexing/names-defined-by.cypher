// Names of the entities these documents define: the names whose MENTIONS may now point elsewhere.
UNWIND $ids AS id
MATCH (:Document {id: id, tenant: $tenant})-[:DEFINES]->(e:Entity)
RETURN DISTINCT e.name AS name
