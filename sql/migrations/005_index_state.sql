-- Which embedder owns each (tenant, root) index: vectors of two embedders never share one (DESIGN §3, issue #4).
CREATE TABLE IF NOT EXISTS vector_indexes (
  tenant      text NOT NULL,
  root        text NOT NULL,
  embedder    text NOT NULL,
  dimensions  integer NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, root)
);

-- What the indexer last stored per file: size + mtime decide "unchanged" without reading the file; sha256 decides
-- when they moved but the bytes did not. `job_id` + `last_change` let a re-claimed job tell its own work apart.
CREATE TABLE IF NOT EXISTS index_state (
  tenant       text NOT NULL,
  root         text NOT NULL,
  path         text NOT NULL,
  size         bigint NOT NULL,
  mtime_ms     double precision NOT NULL,
  sha256       text NOT NULL,
  chunk_ids    text[] NOT NULL DEFAULT '{}',
  job_id       text,
  last_change  text NOT NULL DEFAULT 'added' CHECK (last_change IN ('added', 'updated', 'unchanged')),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant, root, path)
);

CREATE INDEX IF NOT EXISTS index_state_job ON index_state (job_id);
