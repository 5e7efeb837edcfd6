-- Who changed what: one row per accepted or refused mutation (DESIGN §7).
CREATE TABLE IF NOT EXISTS audit_log (
  id           bigserial PRIMARY KEY,
  ts           timestamptz NOT NULL DEFAULT now(),
  tenant       text NOT NULL,
  principal    text NOT NULL,
  action       text NOT NULL,
  target       text,
  trace_id     text,
  outcome      text NOT NULL CHECK (outcome IN ('accepted', 'refused')),
  error_code   text,
  details      jsonb NOT NULL DEFAULT '{}'::jsonb
);

CREATE INDEX IF NOT EXISTS audit_log_tenant_ts ON audit_log (tenant, ts);
