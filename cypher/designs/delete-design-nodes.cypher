// Nodes a re-import no longer finds in the file: gone with their relationships.
UNWIND $ids AS id
MATCH (n:DesignNode {id: id, tenant: $tenant})
DETACH DELETE n
RETURN count(*) AS deleted
