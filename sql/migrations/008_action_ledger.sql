-- The execute agent's action ledger (docs/execute.md): one row per step of a flow, keyed by a hash of (job, step)
-- that no attempt changes. A re-run after a crash skips succeeded steps and reuses their output; the key is also
-- the step's outgoing Idempotency-Key. Compensation is recorded on the same row.
CREATE TABLE IF NOT EXISTS action_ledger (
  key                   text PRIMARY KEY,
  job_id                text NOT NULL,
  step                  text NOT NULL,
  position              integer NOT NULL,
  tenant                text NOT NULL,
  action                text NOT NULL,
  status                text NOT NULL CHECK (status IN ('started', 'succeeded', 'failed', 'compensating', 'compensated', 'compensation_failed')),
  -- runs of the step (a crash inside it means one more) and of its compensation
  attempts              integer NOT NULL DEFAULT 1,
  compensation_attempts integer NOT NULL DEFAULT 0,
  -- the input with its references resolved: what a compensation after a crash needs
  input                 jsonb NOT NULL,
  output                jsonb,
  error                 jsonb,
  started_at            timestamptz NOT NULL DEFAULT now(),
  finished_at           timestamptz,
  updated_at            timestamptz NOT NULL DEFAULT now(),
  UNIQUE (job_id, step)
);

CREATE INDEX IF NOT EXISTS action_ledger_tenant ON action_ledger (tenant, started_at);
