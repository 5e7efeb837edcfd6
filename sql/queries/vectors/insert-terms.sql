-- $1 tenant, $2 chunk ids, $3 terms, $4 weighted term frequencies, $5 the chunks' weighted lengths (same length),
-- $6 k1, $7 b: the BM25 postings of chunks just written (their old postings were deleted first by `delete-terms`,
-- their lengths set by `set-lex-lengths`). `impact` is BM25's per-posting factor with the tenant's mean length now
-- (migration 010): it orders a term's postings for candidate selection; scores are computed at query time.
WITH corpus AS (
  SELECT coalesce((SELECT total_length / chunks FROM lexical_corpus_stats WHERE tenant = $1 AND chunks > 0 AND total_length > 0), 1)::float8 AS avgdl
)
INSERT INTO chunk_terms (tenant, chunk_id, term, tf, impact)
SELECT $1, t.chunk_id, t.term, t.tf, t.tf / (t.tf + $6::float8 * (1 - $7::float8 + $7::float8 * t.len / corpus.avgdl))
FROM unnest($2::text[], $3::text[], $4::real[], $5::real[]) AS t(chunk_id, term, tf, len), corpus
ON CONFLICT (tenant, term, chunk_id) DO UPDATE SET tf = EXCLUDED.tf, impact = EXCLUDED.impact
