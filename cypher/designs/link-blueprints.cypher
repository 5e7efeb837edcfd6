// Components of the file IMPLEMENT the component blueprints they are mapped to: $mapping (component name or Figma
// node id → blueprint name) first, else a blueprint of the component's own name. Every version of that name is
// linked (create-version carries the links on to later ones). Recomputed at each import.
MATCH (d:Design {id: $designId, tenant: $tenant})-[:HAS_NODE]->(n:DesignNode)
WHERE n.type IN ['COMPONENT', 'COMPONENT_SET']
CALL (n) {
  OPTIONAL MATCH (n)-[r:IMPLEMENTS]->()
  DELETE r
}
WITH n, coalesce($mapping[n.figmaId], $mapping[n.name], n.name) AS blueprintName
MATCH (b:Blueprint {tenant: $tenant, name: blueprintName, kind: 'component'})
MERGE (n)-[:IMPLEMENTS]->(b)
RETURN count(DISTINCT n) AS linked
