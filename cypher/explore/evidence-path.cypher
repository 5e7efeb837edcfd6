// How the graph knows a claim: the evidence that SUPPORTS it, where each piece came FROM, which jobs PRODUCED it
// (with their parent jobs) and what each piece CITES in the indexed code; every node of the claim's tenant.
MATCH (claim:Claim {id: $id, tenant: $tenant})
CALL (claim) {
  MATCH path = (claim)<-[:SUPPORTS]-(:Evidence {tenant: $tenant})
  RETURN path
  UNION
  MATCH path = (claim)<-[:SUPPORTS]-(:Evidence {tenant: $tenant})-[:FROM|CITES]->(n)
  WHERE n.tenant = $tenant
  RETURN path
  UNION
  MATCH path = (claim)<-[:SUPPORTS]-(:Evidence {tenant: $tenant})<-[:PRODUCED]-(:Job {tenant: $tenant})-[:CHILD_OF*0..3]->(j:Job)
  WHERE j.tenant = $tenant
  RETURN path
}
WITH claim, collect(path)[..$maxPaths] AS paths
WITH size(paths) AS pathCount, reduce(ns = [claim], p IN paths | ns + tail(nodes(p))) AS nodes, reduce(rs = [], p IN paths | rs + relationships(p)) AS rels
RETURN pathCount, [n IN nodes | {elementId: elementId(n), labels: labels(n), props: properties(n)}] AS nodes,
       [r IN rels | {elementId: elementId(r), type: type(r), start: elementId(startNode(r)), end: elementId(endNode(r)), props: properties(r)}] AS relationships
