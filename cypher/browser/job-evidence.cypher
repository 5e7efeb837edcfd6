// A research job's evidence in its final ranking, with the sources it came from.
:param tenant => 'default';
:param jobId => 'research-00000000-0000-4000-8000-000000000000';
MATCH (j:Job {tenant: $tenant, id: $jobId})-[p:PRODUCED]->(e:Evidence)
OPTIONAL MATCH (e)-[:FROM]->(s:Source {tenant: $tenant})
RETURN p.rank AS rank, round(p.score * 1000) / 1000 AS score, e.title AS title, e.url AS url, e.quote AS quote,
       collect(s.name) AS sources, e.retrievedAt AS retrievedAt
ORDER BY coalesce(p.rank, 2147483647), e.retrievedAt DESC;
