// Evidence a research job marked as contradicting other evidence (different numbers, or a page that changed).
:param tenant => 'default';
:param jobId => 'research-00000000-0000-4000-8000-000000000000';
MATCH (j:Job {tenant: $tenant, id: $jobId})-[p:PRODUCED]->(e:Evidence)
WHERE size(coalesce(p.conflictsWith, [])) > 0
UNWIND p.conflictsWith AS otherId
MATCH (j)-[:PRODUCED]->(other:Evidence {id: otherId})
WHERE e.id < other.id
RETURN e.title AS evidence, e.url AS url, e.quote AS says, other.title AS conflictsWith, other.url AS otherUrl,
       other.quote AS otherSays;
