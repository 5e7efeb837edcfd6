// Status changes reported by workers or the control plane; `updatedAtMs` keeps a late write from going back.
// MERGE, not MATCH: a fast worker's first update may arrive before the job's creation is written.
UNWIND $updates AS u
MERGE (j:Job {id: u.id})
WITH j, u
WHERE coalesce(j.updatedAtMs, 0) <= u.changes.updatedAtMs
SET j += u.changes
