// One code entity (function, class, interface, ...) of one indexed root: the file that defines it and the chunks
// that mention it.
:param tenant => 'default';
:param root => '/home/me/project';
:param name => 'startApi';
MATCH (e:Entity {tenant: $tenant, root: $root, name: $name})
OPTIONAL MATCH defined = (:Document)-[:DEFINES]->(e)
OPTIONAL MATCH mentioned = (:Chunk)-[:MENTIONS]->(e)
RETURN e, defined, mentioned;
