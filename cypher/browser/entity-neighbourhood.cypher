// One code entity (function, class, interface, ...): the file that defines it and the chunks that mention it.
:param tenant => 'default';
:param name => 'startApi';
MATCH (e:Entity {tenant: $tenant, name: $name})
OPTIONAL MATCH defined = (:Document)-[:DEFINES]->(e)
OPTIONAL MATCH mentioned = (:Chunk)-[:MENTIONS]->(e)
RETURN e, defined, mentioned;
