-- Chunk text, metadata and embeddings. 1024 dimensions = BGE-M3 and the local feature-hashing embedder.
-- `embedder` records which embedder made each vector: mixing two in one index is refused by the indexer.
CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE IF NOT EXISTS chunks (
  id            text PRIMARY KEY,
  tenant        text NOT NULL,
  root          text NOT NULL,
  document_path text NOT NULL,
  start_line    integer NOT NULL,
  end_line      integer NOT NULL,
  kind          text NOT NULL DEFAULT 'text',
  content       text NOT NULL,
  content_hash  text NOT NULL,
  embedder      text NOT NULL,
  embedding     vector(1024) NOT NULL,
  metadata      jsonb NOT NULL DEFAULT '{}'::jsonb,
  tsv           tsvector GENERATED ALWAYS AS (to_tsvector('simple', content)) STORED,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS chunks_embedding_hnsw ON chunks USING hnsw (embedding vector_cosine_ops);
CREATE INDEX IF NOT EXISTS chunks_tsv_gin ON chunks USING gin (tsv);
CREATE INDEX IF NOT EXISTS chunks_document ON chunks (tenant, root, document_path);
