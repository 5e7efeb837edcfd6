-- API keys (docs/security.md): the key is shown once at creation; only its SHA-256 is stored.
CREATE TABLE IF NOT EXISTS api_keys (
  id           text PRIMARY KEY,
  key_hash     text NOT NULL UNIQUE,
  -- the first characters of the key (`cogo_AbCd`), so that a listing says which key is which
  key_prefix   text NOT NULL,
  name         text NOT NULL,
  tenant       text NOT NULL,
  scopes       text[] NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz,
  revoked_at   timestamptz
);

CREATE INDEX IF NOT EXISTS api_keys_tenant ON api_keys (tenant, created_at);
