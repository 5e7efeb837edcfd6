// Keyword search over what people read in the graph: evidence quotes, entity names, document titles.
CREATE FULLTEXT INDEX knowledge_text IF NOT EXISTS
FOR (n:Evidence|Entity|Document|Claim|Source)
ON EACH [n.title, n.name, n.quote, n.text, n.path];
