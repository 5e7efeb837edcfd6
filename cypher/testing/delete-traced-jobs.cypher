// Test clean-up (test/integration/support/graph-cleanup.ts): the jobs a test platform enqueued through the API.
// Until API credentials carry a tenant, every such job is the anonymous caller's (tenant `default`), so they are
// found by the trace-id prefix the platform stamps on its requests (`traceparent`). Their artifacts go with them;
// evidence, claims and sources may be shared with other jobs (MERGEd by content) and stay.
MATCH (j:Job {tenant: $tenant})
WHERE j.traceId STARTS WITH $traceTag
OPTIONAL MATCH (j)-[:PRODUCED]->(a:Artifact)
WITH j, collect(a) AS artifacts
FOREACH (artifact IN artifacts | DETACH DELETE artifact)
DETACH DELETE j
RETURN count(j) AS deleted
