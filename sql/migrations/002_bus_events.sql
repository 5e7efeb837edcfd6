-- The durable event log: every job event, batched in from the Redis streams (DESIGN §5).
CREATE TABLE IF NOT EXISTS bus_events (
  id        bigserial PRIMARY KEY,
  -- Stream entry ids are unique within one stream: `<stream>/<entry id>` is unique across all of them.
  event_id  text NOT NULL UNIQUE,
  stream    text NOT NULL,
  job_id    text,
  job_type  text,
  trace_id  text,
  seq       bigint NOT NULL,
  type      text NOT NULL,
  ts        timestamptz NOT NULL,
  data      jsonb NOT NULL DEFAULT '{}'::jsonb
);

CREATE INDEX IF NOT EXISTS bus_events_job ON bus_events (job_id, seq);
CREATE INDEX IF NOT EXISTS bus_events_type_ts ON bus_events (job_type, type, ts);
