// A status change reported by a worker or the control plane; `updatedAtMs` keeps late writes from going back.
MATCH (j:Job {id: $id})
WHERE coalesce(j.updatedAtMs, 0) <= $changes.updatedAtMs
SET j += $changes
RETURN j.status AS status
