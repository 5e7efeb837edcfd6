-- $1 tenant, $2 ids, $3 start lines, $4 end lines. A chunk whose text stayed but moved (lines added above it)
-- keeps its id and vector; only where it sits changes.
UPDATE chunks c
SET start_line = r.start_line, end_line = r.end_line
FROM unnest($2::text[], $3::int[], $4::int[]) AS r(id, start_line, end_line)
WHERE c.id = r.id AND c.tenant = $1 AND (c.start_line <> r.start_line OR c.end_line <> r.end_line)
RETURNING 1
