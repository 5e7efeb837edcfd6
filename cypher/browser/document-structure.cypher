// One indexed file as a graph: its chunks, the entities it defines and the files it imports.
:param tenant => 'default';
:param path => 'src/app.ts';
MATCH (d:Document {tenant: $tenant, path: $path})
OPTIONAL MATCH chunks = (d)-[:HAS_CHUNK]->(:Chunk)
OPTIONAL MATCH defines = (d)-[:DEFINES]->(:Entity)
OPTIONAL MATCH imports = (d)-[:IMPORTS]->(:Document)
RETURN d, chunks, defines, imports;
