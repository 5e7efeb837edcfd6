// artifact.publish's compensation: the job's (:Artifact) node goes; its blob stays for `cogo artifacts gc`.
MATCH (a:Artifact {id: $id, tenant: $tenant, jobId: $jobId})
DETACH DELETE a
RETURN count(*) AS n
