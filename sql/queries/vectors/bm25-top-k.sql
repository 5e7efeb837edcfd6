-- $1 tenant, $2 query terms, $3 roots|null, $4 path LIKE patterns|null, $5 kinds|null, $6 limit, $7 k1, $8 b,
-- $9 postings read per term, $10 candidates scored.
-- Okapi BM25 with Lucene's idf, ln(1 + (N − df + 0.5) / (df + 0.5)); N, df and the mean length are the tenant's
-- (global statistics, as a search engine keeps them per index; kept by migration 010's triggers), tf and length
-- are the field-weighted ones. Two steps, so that a query costs the same at 10k or 1M chunks:
-- 1. candidates: each term's best $9 postings by stored impact (its whole list when the term is rarer than that),
--    ranked by the sum of idf × impact; a filter applies while reading, so a narrow scope still fills the list;
-- 2. the best $10 candidates get their exact BM25 over every query term with today's N, df and mean length.
WITH corpus AS MATERIALIZED (
  SELECT chunks::float8 AS n, total_length / chunks AS avgdl
  FROM lexical_corpus_stats WHERE tenant = $1 AND chunks > 0 AND total_length > 0
),
idf AS MATERIALIZED (
  SELECT s.term, ln(1 + (corpus.n - s.df + 0.5) / (s.df + 0.5)) AS idf
  FROM lexical_term_stats s, corpus
  WHERE s.tenant = $1 AND s.term = ANY($2::text[]) AND s.df > 0
),
candidates AS MATERIALIZED (
  SELECT p.chunk_id
  FROM idf CROSS JOIN LATERAL (
    SELECT t.chunk_id, t.impact
    FROM chunk_terms t
    WHERE t.tenant = $1 AND t.term = idf.term
      AND (($3::text[] IS NULL AND $4::text[] IS NULL AND $5::text[] IS NULL) OR EXISTS (
        SELECT 1 FROM chunks c
        WHERE c.id = t.chunk_id
          AND ($3::text[] IS NULL OR c.root = ANY($3::text[]))
          AND ($4::text[] IS NULL OR c.document_path LIKE ANY($4::text[]))
          AND ($5::text[] IS NULL OR c.kind = ANY($5::text[]))))
    ORDER BY t.impact DESC
    LIMIT $9
  ) p
  GROUP BY p.chunk_id
  ORDER BY sum(idf.idf * p.impact) DESC, p.chunk_id
  LIMIT $10
),
-- One primary-key probe per (candidate, term): the LIMIT keeps the planner from reading whole posting lists instead.
scored AS (
  SELECT k.chunk_id, sum(idf.idf * p.tf * ($7::float8 + 1) / (p.tf + $7::float8 * (1 - $8::float8 + $8::float8 * c.lex_length / corpus.avgdl))) AS score
  FROM candidates k
  JOIN chunks c ON c.id = k.chunk_id
  CROSS JOIN corpus
  CROSS JOIN idf
  CROSS JOIN LATERAL (SELECT t.tf FROM chunk_terms t WHERE t.tenant = $1 AND t.term = idf.term AND t.chunk_id = k.chunk_id LIMIT 1) p
  GROUP BY k.chunk_id
  ORDER BY score DESC, k.chunk_id
  LIMIT $6
)
SELECT c.id, c.root, c.document_path AS path, c.start_line, c.end_line, c.kind, c.content, c.metadata, s.score
FROM scored s JOIN chunks c ON c.id = s.chunk_id
ORDER BY s.score DESC, c.id
