// One artifact, only within the caller's tenant: another tenant's id reads as not found.
MATCH (a:Artifact {id: $id, tenant: $tenant})
RETURN a {.*} AS artifact
