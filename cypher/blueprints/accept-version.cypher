// A person accepts a proposed version: it becomes the accepted one of its name, and a version accepted before it
// becomes `superseded` (still in the PREVIOUS chain, still readable).
MATCH (b:Blueprint {id: $id, tenant: $tenant})
WHERE b.status = 'proposed'
SET b.status = 'accepted', b.acceptedBy = $acceptedBy, b.acceptedAt = datetime()
WITH b
CALL (b) {
  MATCH (other:Blueprint {tenant: $tenant, name: b.name, status: 'accepted'})
  WHERE other <> b
  SET other.status = 'superseded'
}
RETURN b {.*} AS blueprint
