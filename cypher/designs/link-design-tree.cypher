// The tree of an imported file: every node without its links gets CHILD_OF its parent and, for an instance whose
// main component is in the file, INSTANCE_OF that component. Nodes a re-import did not write keep theirs.
MATCH (d:Design {id: $designId, tenant: $tenant})-[:HAS_NODE]->(n:DesignNode)
WHERE (n.parentFigmaId IS NOT NULL AND NOT EXISTS { (n)-[:CHILD_OF]->() })
   OR (n.componentId IS NOT NULL AND NOT EXISTS { (n)-[:INSTANCE_OF]->() })
CALL (d, n) {
  OPTIONAL MATCH (d)-[:HAS_NODE]->(parent:DesignNode {figmaId: n.parentFigmaId})
  FOREACH (_ IN CASE WHEN parent IS NULL THEN [] ELSE [1] END | MERGE (n)-[:CHILD_OF]->(parent))
}
CALL (d, n) {
  OPTIONAL MATCH (d)-[:HAS_NODE]->(component:DesignNode {figmaId: n.componentId})
  FOREACH (_ IN CASE WHEN component IS NULL THEN [] ELSE [1] END | MERGE (n)-[:INSTANCE_OF]->(component))
}
RETURN count(n) AS linked
