// New and changed nodes of a Figma file (only those): their facts and the file version that last wrote them.
// Their CHILD_OF and INSTANCE_OF links are dropped here and made again by link-design-tree (a parent may be
// written in the same batch, after its child).
MATCH (d:Design {id: $designId, tenant: $tenant})
UNWIND $nodes AS node
MERGE (n:DesignNode {id: node.id})
SET n.tenant = $tenant, n.fileKey = $fileKey, n.figmaId = node.figmaId, n.type = node.type, n.name = node.name,
    n.characters = node.characters, n.componentId = node.componentId, n.parentFigmaId = node.parentFigmaId,
    n.order = node.order, n.hash = node.hash, n.version = $version, n.updatedAt = datetime()
MERGE (d)-[:HAS_NODE]->(n)
WITH n
CALL (n) {
  OPTIONAL MATCH (n)-[r:CHILD_OF|INSTANCE_OF]->()
  DELETE r
}
RETURN count(n) AS written
