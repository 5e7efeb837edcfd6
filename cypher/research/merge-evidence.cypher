// One batch of a research job's evidence. MERGE on content-derived ids: a rerun or a re-claimed attempt adds
// nothing. Evidence the graph source returned already has its provenance, so it gets no second FROM; evidence that
// quotes an indexed chunk, document or entity CITES it (the neighbourhood of a chunk shows who quoted it).
MATCH (j:Job {id: $jobId, tenant: $tenant})
UNWIND $items AS item
MERGE (e:Evidence {id: item.id})
  ON CREATE SET e += item.props, e.tenant = $tenant, e.createdAt = datetime(), e.firstJobId = $jobId
MERGE (j)-[p:PRODUCED]->(e)
  ON CREATE SET p.at = datetime()
FOREACH (_ IN CASE WHEN item.linkSource THEN [1] ELSE [] END |
  MERGE (s:Source {id: item.source.id})
    ON CREATE SET s.tenant = $tenant, s.kind = item.source.kind, s.name = item.source.name, s.url = item.source.url,
                  s.createdAt = datetime()
  MERGE (e)-[:FROM]->(s)
)
WITH e, item
CALL (e, item) {
  WITH e, item WHERE item.cites IS NOT NULL
  CALL (item) {
    MATCH (cited:Chunk {id: item.cites.id, tenant: $tenant}) WHERE item.cites.label = 'Chunk' RETURN cited
    UNION
    MATCH (cited:Document {id: item.cites.id, tenant: $tenant}) WHERE item.cites.label = 'Document' RETURN cited
    UNION
    MATCH (cited:Entity {id: item.cites.id, tenant: $tenant}) WHERE item.cites.label = 'Entity' RETURN cited
  }
  MERGE (e)-[:CITES]->(cited)
}
RETURN count(e) AS written
