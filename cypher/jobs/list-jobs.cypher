// Newest first; the cursor is the (enqueuedAt, id) of the last job of the previous page.
MATCH (j:Job {tenant: $tenant})
WHERE ($type IS NULL OR j.type = $type)
  AND ($statuses IS NULL OR j.status IN $statuses)
  AND ($since IS NULL OR j.enqueuedAt >= $since)
  AND ($cursorAt IS NULL OR j.enqueuedAt < $cursorAt OR (j.enqueuedAt = $cursorAt AND j.id < $cursorId))
RETURN j {.*} AS job
ORDER BY j.enqueuedAt DESC, j.id DESC
LIMIT $limit
