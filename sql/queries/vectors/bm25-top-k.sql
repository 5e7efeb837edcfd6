-- $1 tenant, $2 query terms, $3 roots|null, $4 path LIKE patterns|null, $5 kinds|null, $6 limit, $7 k1, $8 b.
-- Okapi BM25 with Lucene's idf, ln(1 + (N − df + 0.5) / (df + 0.5)); N, df and the mean length are the tenant's
-- (global statistics, as a search engine keeps them per index), tf and length are the field-weighted ones.
WITH corpus AS MATERIALIZED (
  SELECT count(*)::float8 AS n, coalesce(avg(lex_length), 1)::float8 AS avgdl
  FROM chunks WHERE tenant = $1 AND lex_length IS NOT NULL
),
idf AS MATERIALIZED (
  SELECT t.term, ln(1 + (corpus.n - count(*) + 0.5) / (count(*) + 0.5)) AS idf
  FROM chunk_terms t, corpus
  WHERE t.tenant = $1 AND t.term = ANY($2::text[])
  GROUP BY t.term, corpus.n
),
scored AS (
  SELECT t.chunk_id, sum(idf.idf * t.tf * ($7::float8 + 1) / (t.tf + $7::float8 * (1 - $8::float8 + $8::float8 * c.lex_length / corpus.avgdl))) AS score
  FROM chunk_terms t
  JOIN idf ON idf.term = t.term
  JOIN chunks c ON c.id = t.chunk_id,
  corpus
  WHERE t.tenant = $1 AND t.term = ANY($2::text[])
    AND ($3::text[] IS NULL OR c.root = ANY($3::text[]))
    AND ($4::text[] IS NULL OR c.document_path LIKE ANY($4::text[]))
    AND ($5::text[] IS NULL OR c.kind = ANY($5::text[]))
  GROUP BY t.chunk_id
  ORDER BY score DESC, t.chunk_id
  LIMIT $6
)
SELECT c.id, c.root, c.document_path AS path, c.start_line, c.end_line, c.kind, c.content, c.metadata, s.score
FROM scored s JOIN chunks c ON c.id = s.chunk_id
ORDER BY s.score DESC, c.id
