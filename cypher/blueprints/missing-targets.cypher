// Which of the ids a proposal links to are not nodes of the tenant (of the expected label): named in the refusal.
UNWIND [x IN $documentIds | {id: x, label: 'Document'}] + [x IN $entityIds | {id: x, label: 'Entity'}] +
       [x IN $evidenceIds | {id: x, label: 'Evidence'}] AS target
OPTIONAL MATCH (n {id: target.id, tenant: $tenant})
WHERE target.label IN labels(n)
WITH target WHERE n IS NULL
RETURN target.label + ' ' + target.id AS missing
