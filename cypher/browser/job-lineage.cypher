// One job in context: its ancestors and descendants (CHILD_OF) and everything it produced, as a graph.
:param jobId => 'research-00000000-0000-4000-8000-000000000000';
MATCH (j:Job {id: $jobId})
OPTIONAL MATCH family = (j)-[:CHILD_OF*1..5]-(:Job)
OPTIONAL MATCH produced = (j)-[:PRODUCED]->()
RETURN j, family, produced;
