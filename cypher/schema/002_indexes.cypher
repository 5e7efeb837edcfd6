// Tenant on every node is filtered on every path; timestamps drive listings and retention.
CREATE INDEX job_tenant IF NOT EXISTS FOR (n:Job) ON (n.tenant);
CREATE INDEX agent_tenant IF NOT EXISTS FOR (n:Agent) ON (n.tenant);
CREATE INDEX principal_tenant IF NOT EXISTS FOR (n:Principal) ON (n.tenant);
CREATE INDEX document_tenant IF NOT EXISTS FOR (n:Document) ON (n.tenant);
CREATE INDEX chunk_tenant IF NOT EXISTS FOR (n:Chunk) ON (n.tenant);
CREATE INDEX entity_tenant IF NOT EXISTS FOR (n:Entity) ON (n.tenant);
// A question naming an API finds its entity by name (the graph signal of retrieval, cypher/rag/entity-chunks).
CREATE INDEX entity_name IF NOT EXISTS FOR (n:Entity) ON (n.name);
CREATE INDEX evidence_tenant IF NOT EXISTS FOR (n:Evidence) ON (n.tenant);
CREATE INDEX source_tenant IF NOT EXISTS FOR (n:Source) ON (n.tenant);
CREATE INDEX claim_tenant IF NOT EXISTS FOR (n:Claim) ON (n.tenant);
CREATE INDEX artifact_tenant IF NOT EXISTS FOR (n:Artifact) ON (n.tenant);
CREATE INDEX blueprint_tenant IF NOT EXISTS FOR (n:Blueprint) ON (n.tenant);
CREATE INDEX design_tenant IF NOT EXISTS FOR (n:Design) ON (n.tenant);
CREATE INDEX designnode_tenant IF NOT EXISTS FOR (n:DesignNode) ON (n.tenant);
CREATE INDEX modelcall_tenant IF NOT EXISTS FOR (n:ModelCall) ON (n.tenant);
CREATE INDEX job_created_at IF NOT EXISTS FOR (n:Job) ON (n.createdAt);
CREATE INDEX job_status IF NOT EXISTS FOR (n:Job) ON (n.status, n.type);
CREATE INDEX evidence_retrieved_at IF NOT EXISTS FOR (n:Evidence) ON (n.retrievedAt);
