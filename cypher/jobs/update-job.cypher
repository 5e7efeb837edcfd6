// Status changes reported by workers or the control plane; `updatedAtMs` keeps a late write from going back.
UNWIND $updates AS u
MATCH (j:Job {id: u.id})
WHERE coalesce(j.updatedAtMs, 0) <= u.changes.updatedAtMs
SET j += u.changes
