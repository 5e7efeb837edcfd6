// The current blueprint of a module or component (the accepted version, else the newest): the code it DESCRIBES,
// the evidence it CITES, the design components that IMPLEMENT it and its earlier versions (PREVIOUS).
:param tenant => 'default';
:param name => 'src/app.ts';
MATCH (b:Blueprint {tenant: $tenant, name: $name})
WITH b ORDER BY CASE b.status WHEN 'accepted' THEN 0 ELSE 1 END, b.version DESC LIMIT 1
OPTIONAL MATCH code = (b)-[:DESCRIBES]->()
OPTIONAL MATCH cites = (b)-[:CITES]->(:Evidence)
OPTIONAL MATCH designs = (:DesignNode)-[:IMPLEMENTS]->(b)
OPTIONAL MATCH history = (b)-[:PREVIOUS*1..10]->(:Blueprint)
RETURN b, code, cites, designs, history;
