// The model calls one orchestrate job made, in order: (:Job)-[:MADE_CALL]->(:ModelCall). Ids are the job id and
// the call's index, so a re-run of the job after a crash writes nothing twice.
MATCH (j:Job {id: $jobId, tenant: $tenant})
UNWIND $calls AS call
MERGE (m:ModelCall {id: call.id})
SET m.tenant = $tenant, m.jobId = $jobId, m.seq = call.seq, m.tier = call.tier, m.model = call.model,
    m.ok = call.ok, m.reason = call.reason, m.detail = call.detail, m.escalatedFrom = call.escalatedFrom,
    m.tokensIn = call.tokensIn, m.tokensOut = call.tokensOut, m.costUsd = call.costUsd,
    m.latencyMs = call.latencyMs, m.retries = call.retries, m.provider = call.provider, m.purpose = call.purpose
MERGE (j)-[:MADE_CALL]->(m)
