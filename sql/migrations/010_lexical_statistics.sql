-- BM25 at 100k+ chunks (issue 14): the statistics every query needs are kept, not counted, and each posting carries
-- its ranking weight so that a query reads only the best postings of each term.
--
-- lexical_term_stats   document frequency per (tenant, term): idf is a primary-key lookup, not a count of postings.
-- lexical_corpus_stats chunks with BM25 terms and the sum of their lengths per tenant: N and the mean length.
-- chunk_terms.impact   tf / (tf + k1·(1 − b + b·len/avglen)) with the tenant's mean length when the posting was
--                      written: BM25's per-posting factor, used only to pick candidates (the index below lists a
--                      term's postings best first); scores are computed exactly, with today's statistics.
--
-- Statement triggers with transition tables keep both statistics right on every path that writes or removes
-- postings and lengths: index, re-index, deleted documents and dropped roots (ON DELETE CASCADE), tenant removal.
-- A per-tenant advisory lock orders concurrent writers of one tenant, so two of them never update the same
-- counters in opposite orders (a deadlock).

CREATE TABLE IF NOT EXISTS lexical_term_stats (
  tenant  text NOT NULL,
  term    text NOT NULL,
  df      integer NOT NULL,
  PRIMARY KEY (tenant, term)
);

CREATE TABLE IF NOT EXISTS lexical_corpus_stats (
  tenant        text PRIMARY KEY,
  chunks        bigint NOT NULL,
  total_length  float8 NOT NULL
);

CREATE OR REPLACE FUNCTION lexical_lock_tenants(tenants text[]) RETURNS void LANGUAGE sql AS $$
  SELECT count(pg_advisory_xact_lock(hashtextextended('cogo.lexical:' || t, 0)))
  FROM (SELECT DISTINCT t FROM unnest(tenants) AS t ORDER BY t) AS sorted
$$;

CREATE OR REPLACE FUNCTION lexical_postings_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM lexical_lock_tenants(ARRAY(SELECT DISTINCT tenant FROM added));
  INSERT INTO lexical_term_stats (tenant, term, df)
  SELECT tenant, term, count(*) FROM added GROUP BY tenant, term ORDER BY tenant, term
  ON CONFLICT (tenant, term) DO UPDATE SET df = lexical_term_stats.df + EXCLUDED.df;
  RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION lexical_postings_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM lexical_lock_tenants(ARRAY(SELECT DISTINCT tenant FROM removed));
  UPDATE lexical_term_stats s SET df = s.df - gone.n
  FROM (SELECT tenant, term, count(*) AS n FROM removed GROUP BY tenant, term) AS gone
  WHERE s.tenant = gone.tenant AND s.term = gone.term;
  DELETE FROM lexical_term_stats s
  USING (SELECT DISTINCT tenant, term FROM removed) AS gone
  WHERE s.tenant = gone.tenant AND s.term = gone.term AND s.df <= 0;
  RETURN NULL;
END
$$;

-- One function for the three events of `chunks`: the change in (count, total length) of rows with a BM25 length.
-- Dynamic SQL because each event has its own transition tables (an INSERT has no old rows).
CREATE OR REPLACE FUNCTION lexical_lengths_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  source text := CASE TG_OP
    WHEN 'INSERT' THEN 'SELECT tenant, 1 AS sign, lex_length FROM new_rows'
    WHEN 'DELETE' THEN 'SELECT tenant, -1 AS sign, lex_length FROM old_rows'
    ELSE 'SELECT tenant, 1 AS sign, lex_length FROM new_rows UNION ALL SELECT tenant, -1, lex_length FROM old_rows'
  END;
BEGIN
  EXECUTE format('SELECT lexical_lock_tenants(ARRAY(SELECT DISTINCT tenant FROM (%s) d WHERE lex_length IS NOT NULL))', source);
  EXECUTE format(
    'INSERT INTO lexical_corpus_stats (tenant, chunks, total_length)
     SELECT tenant, sum(sign) FILTER (WHERE lex_length IS NOT NULL), coalesce(sum(sign * lex_length), 0)
     FROM (%s) d GROUP BY tenant
     HAVING sum(sign) FILTER (WHERE lex_length IS NOT NULL) <> 0 OR coalesce(sum(sign * lex_length), 0) <> 0
     ORDER BY tenant
     ON CONFLICT (tenant) DO UPDATE SET
       chunks = lexical_corpus_stats.chunks + EXCLUDED.chunks,
       total_length = lexical_corpus_stats.total_length + EXCLUDED.total_length', source);
  DELETE FROM lexical_corpus_stats WHERE chunks <= 0;
  RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS chunk_terms_added ON chunk_terms;
CREATE TRIGGER chunk_terms_added AFTER INSERT ON chunk_terms
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION lexical_postings_added();
DROP TRIGGER IF EXISTS chunk_terms_removed ON chunk_terms;
CREATE TRIGGER chunk_terms_removed AFTER DELETE ON chunk_terms
  REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION lexical_postings_removed();
DROP TRIGGER IF EXISTS chunks_lengths_inserted ON chunks;
CREATE TRIGGER chunks_lengths_inserted AFTER INSERT ON chunks
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION lexical_lengths_changed();
DROP TRIGGER IF EXISTS chunks_lengths_updated ON chunks;
CREATE TRIGGER chunks_lengths_updated AFTER UPDATE ON chunks
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION lexical_lengths_changed();
DROP TRIGGER IF EXISTS chunks_lengths_deleted ON chunks;
CREATE TRIGGER chunks_lengths_deleted AFTER DELETE ON chunks
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION lexical_lengths_changed();

-- Existing data: the statistics as they are now (the migration runs in one transaction, before any new writer).
INSERT INTO lexical_term_stats (tenant, term, df)
SELECT tenant, term, count(*) FROM chunk_terms GROUP BY tenant, term
ON CONFLICT (tenant, term) DO UPDATE SET df = EXCLUDED.df;
INSERT INTO lexical_corpus_stats (tenant, chunks, total_length)
SELECT tenant, count(*), sum(lex_length) FROM chunks WHERE lex_length IS NOT NULL GROUP BY tenant
ON CONFLICT (tenant) DO UPDATE SET chunks = EXCLUDED.chunks, total_length = EXCLUDED.total_length;

-- The candidate weight of existing postings, with BM25's usual k1 = 1.2, b = 0.75 (src/vectors/vector-store.ts).
ALTER TABLE chunk_terms ADD COLUMN IF NOT EXISTS impact real;
UPDATE chunk_terms t SET impact = t.tf / (t.tf + 1.2 * (0.25 + 0.75 * c.lex_length / (s.total_length / s.chunks)))
FROM chunks c, lexical_corpus_stats s
WHERE c.id = t.chunk_id AND s.tenant = t.tenant AND s.chunks > 0 AND s.total_length > 0;
UPDATE chunk_terms SET impact = 0 WHERE impact IS NULL;
ALTER TABLE chunk_terms ALTER COLUMN impact SET NOT NULL;

-- A term's postings best first: a query reads the first few hundred of each term, not the whole list.
CREATE INDEX IF NOT EXISTS chunk_terms_impact ON chunk_terms (tenant, term, impact DESC) INCLUDE (chunk_id);
