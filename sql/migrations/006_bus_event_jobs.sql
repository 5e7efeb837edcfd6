-- DESIGN §5 asks the report for duplicate executions and time-to-recover as well. One row per job first
-- (`bus_event_jobs`: also the answer to "what happened to job X"), and the report aggregates those rows.
--   starts                 runs begun (`meta {phase: started}`)
--   duplicate_executions   runs begun although the run before neither failed into a retry nor was requeued: the
--                          job was re-claimed after its worker died and ran its attempt again (effects must be
--                          idempotent)
--   stalls                 leases lost (`job.stalled`)
--   recover_ms             for those runs, the longest time from the lost run's last event to the new start
-- `job.stalled` is published by the worker that noticed, possibly after the job has started again elsewhere, so
-- it never counts as the lost run's last event.
DROP VIEW IF EXISTS bus_event_report_last_day;
DROP FUNCTION IF EXISTS bus_event_report(timestamptz, timestamptz);

CREATE OR REPLACE FUNCTION bus_event_jobs(since timestamptz, until timestamptz)
RETURNS TABLE (
  job_id text, job_type text, enqueued_at timestamptz, done_at timestamptz, did_fail boolean, is_dead boolean,
  retries bigint, starts bigint, duplicate_executions bigint, stalls bigint, recover_ms double precision
) LANGUAGE sql STABLE AS $$
  WITH ev AS (
    SELECT e.job_id, e.job_type, e.seq, e.type, e.ts, e.data->>'phase' AS phase,
           (e.type = 'meta' AND e.data->>'phase' = 'started') AS is_start
    FROM bus_events e
    WHERE e.stream LIKE 'job:%' AND e.ts >= since AND e.ts < until
  ), marked AS (
    SELECT ev.*,
           count(*) FILTER (WHERE ev.is_start)
             OVER (PARTITION BY ev.job_id ORDER BY ev.seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS starts_before,
           max(ev.seq) FILTER (WHERE ev.type <> 'job.stalled')
             OVER (PARTITION BY ev.job_id ORDER BY ev.seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS previous_seq
    FROM ev
  ), runs AS (
    SELECT m.*,
           (m.is_start AND m.starts_before > 0
             AND NOT (p.type = 'job.retrying' OR (p.type = 'meta' AND p.phase = 'requeued'))) AS is_duplicate,
           extract(epoch FROM m.ts - p.ts) * 1000 AS since_previous_ms
    FROM marked m
    LEFT JOIN ev p ON p.job_id = m.job_id AND p.seq = m.previous_seq
  )
  SELECT r.job_id, max(r.job_type),
         min(r.ts) FILTER (WHERE r.type = 'meta'),
         max(r.ts) FILTER (WHERE r.type LIKE '%.done'),
         bool_or(r.type IN ('job.dead', 'job.cancelled')),
         bool_or(r.type = 'job.dead'),
         count(*) FILTER (WHERE r.type = 'job.retrying'),
         count(*) FILTER (WHERE r.is_start),
         count(*) FILTER (WHERE r.is_duplicate),
         count(*) FILTER (WHERE r.type = 'job.stalled'),
         max(r.since_previous_ms) FILTER (WHERE r.is_duplicate)
  FROM runs r
  GROUP BY r.job_id
$$;

-- Per job type and time window: count, success and error rates, P50/P95 enqueue→done latency, retries, dead
-- letters, duplicate executions, lost leases and P50/P95 time-to-recover.
-- `SELECT * FROM bus_event_report(now() - interval '1 hour', now())`.
CREATE OR REPLACE FUNCTION bus_event_report(since timestamptz, until timestamptz)
RETURNS TABLE (
  job_type text, jobs bigint, succeeded bigint, failed bigint, success_rate double precision,
  error_rate double precision, p50_ms double precision, p95_ms double precision, retries bigint, dead_letters bigint,
  duplicate_executions bigint, stalls bigint, recover_p50_ms double precision, recover_p95_ms double precision
) LANGUAGE sql STABLE AS $$
  SELECT j.job_type,
         count(*),
         count(*) FILTER (WHERE j.done_at IS NOT NULL),
         count(*) FILTER (WHERE j.did_fail),
         coalesce(count(*) FILTER (WHERE j.done_at IS NOT NULL)::float8 / nullif(count(*) FILTER (WHERE j.done_at IS NOT NULL OR j.did_fail), 0), 0),
         coalesce(count(*) FILTER (WHERE j.did_fail)::float8 / nullif(count(*) FILTER (WHERE j.done_at IS NOT NULL OR j.did_fail), 0), 0),
         percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM j.done_at - j.enqueued_at) * 1000)
           FILTER (WHERE j.done_at IS NOT NULL AND j.enqueued_at IS NOT NULL),
         percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM j.done_at - j.enqueued_at) * 1000)
           FILTER (WHERE j.done_at IS NOT NULL AND j.enqueued_at IS NOT NULL),
         sum(j.retries)::bigint,
         count(*) FILTER (WHERE j.is_dead),
         sum(j.duplicate_executions)::bigint,
         sum(j.stalls)::bigint,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY j.recover_ms) FILTER (WHERE j.recover_ms IS NOT NULL),
         percentile_cont(0.95) WITHIN GROUP (ORDER BY j.recover_ms) FILTER (WHERE j.recover_ms IS NOT NULL)
  FROM bus_event_jobs(since, until) j
  GROUP BY j.job_type
  ORDER BY j.job_type
$$;

CREATE OR REPLACE VIEW bus_event_report_last_day AS
  SELECT * FROM bus_event_report(now() - interval '1 day', now() + interval '1 minute');
