// An imported Figma file: its pages and frames (CHILD_OF, two levels below the pages) and the components its
// instances use (INSTANCE_OF).
:param tenant => 'default';
:param fileKey => 'AbCdEf123';
MATCH (d:Design {tenant: $tenant, fileKey: $fileKey})-[:HAS_NODE]->(page:DesignNode {type: 'CANVAS'})
OPTIONAL MATCH tree = (page)<-[:CHILD_OF*1..2]-(:DesignNode)
OPTIONAL MATCH uses = (page)<-[:CHILD_OF*1..4]-(:DesignNode {type: 'INSTANCE'})-[:INSTANCE_OF]->(:DesignNode)
RETURN d, page, tree, uses;
