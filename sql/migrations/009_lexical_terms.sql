-- BM25 over COGO's own terms (src/vectors/lexical-terms.ts: identifiers whole and split, dotted names, Hangul
-- bigrams), weighted by field (symbols, headings, path, body): one row per (chunk, term) with its weighted term
-- frequency, and each chunk's weighted length. Postgres full-text (`tsv`, ts_rank) stays for `chunks-containing`-style
-- needs; ranking uses these rows. Rows go with their chunk (ON DELETE CASCADE).
ALTER TABLE chunks ADD COLUMN IF NOT EXISTS lex_length real;

CREATE TABLE IF NOT EXISTS chunk_terms (
  tenant    text NOT NULL,
  term      text NOT NULL,
  chunk_id  text NOT NULL REFERENCES chunks (id) ON DELETE CASCADE,
  tf        real NOT NULL,
  PRIMARY KEY (tenant, term, chunk_id)
);

CREATE INDEX IF NOT EXISTS chunk_terms_chunk ON chunk_terms (chunk_id);
-- Corpus size and mean length per tenant, read by every BM25 query: an index-only scan instead of the table.
CREATE INDEX IF NOT EXISTS chunks_tenant_lex ON chunks (tenant) INCLUDE (lex_length);
