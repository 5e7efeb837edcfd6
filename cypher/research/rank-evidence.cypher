// The job's final ranking lives on its PRODUCED relationships: a score is relative to one question.
MATCH (j:Job {id: $jobId, tenant: $tenant})
UNWIND $ranks AS r
MATCH (j)-[p:PRODUCED]->(:Evidence {id: r.id})
SET p.score = r.score, p.rank = r.rank, p.selected = r.selected, p.conflictsWith = r.conflictsWith
RETURN count(p) AS ranked
