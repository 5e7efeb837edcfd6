// What the graph holds of one imported Figma file: its version and each node's content hash (a re-import writes
// only the nodes whose hash changed and deletes the ones that are gone).
MATCH (d:Design {id: $designId, tenant: $tenant})
OPTIONAL MATCH (d)-[:HAS_NODE]->(n:DesignNode)
RETURN d.version AS version, d.lastModified AS lastModified, collect({figmaId: n.figmaId, hash: n.hash}) AS nodes
