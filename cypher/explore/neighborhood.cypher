// The nodes within `depth` hops of one node, every node on the way of the same tenant and (when $labels is not
// empty) carrying one of $labels. The hop bound `*1..3` is rewritten to the asked depth by src/graph-api/explorer.ts
// (Cypher takes no parameter there); paths are capped so that a hub cannot flood the answer. The start is found
// through its label's uniqueness index (the label disjunction plans as a union of index seeks), never a scan.
MATCH (start:Job|Document|Chunk|Entity|Evidence|Source|Claim|Artifact|Blueprint|Design|DesignNode|ModelCall {id: $id})
WHERE start.tenant = $tenant
WITH start LIMIT 1
CALL (start) {
  MATCH path = (start)-[*1..3]-(other)
  WHERE all(n IN nodes(path) WHERE n.tenant = $tenant)
    AND (size($labels) = 0 OR all(n IN tail(nodes(path)) WHERE any(l IN labels(n) WHERE l IN $labels)))
  WITH path LIMIT $maxPaths
  RETURN collect(path) AS paths
}
WITH size(paths) AS pathCount, reduce(ns = [start], p IN paths | ns + tail(nodes(p))) AS nodes, reduce(rs = [], p IN paths | rs + relationships(p)) AS rels
RETURN pathCount, [n IN nodes | {elementId: elementId(n), labels: labels(n), props: properties(n)}] AS nodes,
       [r IN rels | {elementId: elementId(r), type: type(r), start: elementId(startNode(r)), end: elementId(endNode(r)), props: properties(r)}] AS relationships
