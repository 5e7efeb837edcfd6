-- bus_event_jobs (migration 006) in one pass per job: the same rows, computed with a running count and lag()
-- instead of frame-bounded windows (`ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING` aggregates, re-evaluated
-- per row, plus a self-join to find the previous event), whose cost grew with the square of a job's events.
-- Lost-lease notices (`job.stalled`) never count as a run's previous event: they get a window partition of their
-- own, so lag() over the other partition reads the previous event that is not one. Same definitions as 006 and
-- as the dashboard's gate-buckets query.
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
  ), runs AS (
    SELECT ev.*,
           count(*) FILTER (WHERE ev.is_start) OVER w - CASE WHEN ev.is_start THEN 1 ELSE 0 END AS starts_before,
           lag(ev.type) OVER w AS prev_type, lag(ev.phase) OVER w AS prev_phase, lag(ev.ts) OVER w AS prev_ts
    FROM ev
    WINDOW w AS (PARTITION BY ev.job_id, ev.type = 'job.stalled' ORDER BY ev.seq)
  ), marked AS (
    SELECT runs.*,
           (runs.is_start AND runs.starts_before > 0
             AND NOT (runs.prev_type = 'job.retrying' OR (runs.prev_type = 'meta' AND runs.prev_phase = 'requeued'))) AS is_duplicate
    FROM runs
  )
  SELECT m.job_id, max(m.job_type),
         min(m.ts) FILTER (WHERE m.type = 'meta'),
         max(m.ts) FILTER (WHERE m.type LIKE '%.done'),
         bool_or(m.type IN ('job.dead', 'job.cancelled')),
         bool_or(m.type = 'job.dead'),
         count(*) FILTER (WHERE m.type = 'job.retrying'),
         count(*) FILTER (WHERE m.is_start),
         count(*) FILTER (WHERE m.is_duplicate),
         count(*) FILTER (WHERE m.type = 'job.stalled'),
         max(extract(epoch FROM m.ts - m.prev_ts) * 1000) FILTER (WHERE m.is_duplicate)
  FROM marked m
  GROUP BY m.job_id
$$;
