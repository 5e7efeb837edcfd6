// One indexed file as a graph: its chunks, the entities it defines and the files it imports. A path is relative to
// its indexed root, so the root is part of the match (two roots may both have `src/app.ts`).
:param tenant => 'default';
:param root => '/home/me/project';
:param path => 'src/app.ts';
MATCH (d:Document {tenant: $tenant, root: $root, path: $path})
OPTIONAL MATCH chunks = (d)-[:HAS_CHUNK]->(:Chunk)
OPTIONAL MATCH defines = (d)-[:DEFINES]->(:Entity)
OPTIONAL MATCH imports = (d)-[:IMPORTS]->(:Document)
RETURN d, chunks, defines, imports;
