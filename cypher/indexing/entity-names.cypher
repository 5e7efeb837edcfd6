// Every entity of one root by name: what chunk text is matched against for MENTIONS.
MATCH (e:Entity {tenant: $tenant, root: $root})
RETURN e.name AS name, collect(e.id) AS ids
