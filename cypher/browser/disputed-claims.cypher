// Claims that pages disagree on (the same statement with other numbers), newest first, with what each page says.
:param tenant => 'default';
:param limit => 25;
MATCH (c:Claim {tenant: $tenant, status: 'disputed'})
WITH c ORDER BY c.createdAt DESC LIMIT $limit
MATCH (e:Evidence)-[r:SUPPORTS]->(c)
RETURN c.text AS claim, c.supporters AS supporters, collect({numbers: r.numbers, says: r.says, url: e.url}) AS pages;
