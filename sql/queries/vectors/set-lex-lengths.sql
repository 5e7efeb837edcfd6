-- $1 tenant, $2 chunk ids, $3 weighted lengths: the BM25 length of each chunk just written.
UPDATE chunks c SET lex_length = l.len
FROM unnest($2::text[], $3::real[]) AS l(id, len)
WHERE c.tenant = $1 AND c.id = l.id
