-- $1 tenant, $2 root, $3 paths.
DELETE FROM index_state WHERE tenant = $1 AND root = $2 AND path = ANY($3::text[])
