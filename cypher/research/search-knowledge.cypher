// The knowledge graph as a research source: keyword (Lucene) search over what one tenant already knows.
// The index covers other tenants too, so it is asked for more hits than needed and filtered by tenant here.
CALL db.index.fulltext.queryNodes('knowledge_text', $query, {limit: $scanLimit}) YIELD node, score
WHERE node.tenant = $tenant AND (node:Evidence OR node:Document OR node:Entity)
RETURN CASE WHEN node:Evidence THEN 'evidence' WHEN node:Document THEN 'document' ELSE 'entity' END AS kind,
       node.id AS id,
       coalesce(node.title, node.name, node.path, node.id) AS title,
       left(coalesce(node.quote, node.summary, node.description, node.text, ''), 300) AS snippet,
       score
ORDER BY score DESC
LIMIT $limit
