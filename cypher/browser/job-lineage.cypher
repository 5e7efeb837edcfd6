// One job in context: its ancestors and descendants (CHILD_OF) and everything it produced, as a graph.
:param tenant => 'default';
:param jobId => 'research-00000000-0000-4000-8000-000000000000';
MATCH (j:Job {tenant: $tenant, id: $jobId})
OPTIONAL MATCH family = (j)-[:CHILD_OF*1..5]-(:Job {tenant: $tenant})
OPTIONAL MATCH produced = (j)-[:PRODUCED]->()
RETURN j, family, produced;
