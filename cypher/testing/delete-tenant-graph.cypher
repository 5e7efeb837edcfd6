// Test clean-up (test/integration/support/graph-cleanup.ts): one batch of every node of a test's own tenant,
// relationships included. The helper runs it until it deletes nothing, and refuses tenants not named `test-…`.
MATCH (n)
WHERE n.tenant = $tenant
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS deleted
