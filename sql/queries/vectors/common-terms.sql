-- $1 share of rows: lexemes ANALYZE found in more than that share of all chunks (pg_stats keeps the 1,000 most
-- common elements of a tsvector column). Empty until the table has been analyzed, e.g. on PGlite.
SELECT t.term, t.freq
FROM pg_stats s,
     unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS t(term, freq)
WHERE s.schemaname = current_schema() AND s.tablename = 'chunks' AND s.attname = 'tsv'
  AND t.term IS NOT NULL AND t.freq > $1
