// The model calls of one tenant's orchestrate jobs enqueued at or after $since (every one when $since is null),
// in job and call order: src/llm/routing-report.ts adds them up. A call has no clock of its own; its job's
// enqueue time dates it. At most $limit calls, newest jobs first.
MATCH (j:Job {tenant: $tenant})-[:MADE_CALL]->(m:ModelCall {tenant: $tenant})
WHERE $since IS NULL OR j.createdAt >= datetime($since)
RETURN m.jobId AS jobId, m.seq AS seq, m.tier AS tier, m.ok AS ok, m.reason AS reason, m.escalatedFrom AS escalatedFrom,
       coalesce(m.purpose, 'answer') AS purpose, m.tokensIn AS tokensIn, m.tokensOut AS tokensOut, m.costUsd AS costUsd, m.latencyMs AS latencyMs
ORDER BY j.createdAt DESC, jobId, seq
LIMIT $limit
