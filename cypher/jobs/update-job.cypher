// Status changes reported by workers or the control plane; `updatedAtMs` keeps a late write from going back.
// MERGE, not MATCH: a worker's first update may arrive before the job's creation is written; it then carries the
// job's facts, so the record is whole from that moment (create-job later finds it and keeps its status).
UNWIND $updates AS u
MERGE (j:Job {id: u.id})
  ON CREATE SET j += coalesce(u.facts, {}),
                j.createdAt = CASE WHEN u.facts IS NULL THEN null ELSE datetime(u.facts.enqueuedAt) END
WITH j, u
// A run's writes carry its fencing token (its BullMQ lock token, stored as runToken when it started): once
// another run has started, the old one's writes match nothing. Control-plane writes carry none.
WHERE coalesce(j.updatedAtMs, 0) <= u.changes.updatedAtMs
  AND (u.fence IS NULL OR j.runToken = u.fence)
SET j += u.changes
