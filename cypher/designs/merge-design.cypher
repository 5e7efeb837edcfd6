// One imported Figma file: MERGE on an id derived from tenant and file key; PRODUCED by the job that imported it.
MERGE (d:Design {id: $designId})
SET d.tenant = $tenant, d.fileKey = $fileKey, d.name = $name, d.version = $version, d.lastModified = $lastModified,
    d.importedAt = datetime()
WITH d
CALL (d) {
  OPTIONAL MATCH (j:Job {id: $jobId, tenant: $tenant})
  FOREACH (_ IN CASE WHEN j IS NULL THEN [] ELSE [1] END | MERGE (j)-[:PRODUCED]->(d))
}
RETURN d.id AS id
