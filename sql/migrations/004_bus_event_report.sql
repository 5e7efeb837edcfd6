-- Per job type and time window: count, success and error rates, P50/P95 enqueue→done latency, retries,
-- dead letters. `SELECT * FROM bus_event_report(now() - interval '1 hour', now())`.
CREATE OR REPLACE FUNCTION bus_event_report(since timestamptz, until timestamptz)
RETURNS TABLE (
  job_type text, jobs bigint, succeeded bigint, failed bigint, success_rate double precision,
  error_rate double precision, p50_ms double precision, p95_ms double precision, retries bigint, dead_letters bigint
) LANGUAGE sql STABLE AS $$
  WITH per_job AS (
    SELECT e.job_id, max(e.job_type) AS job_type,
           min(e.ts) FILTER (WHERE e.type = 'meta') AS enqueued_at,
           max(e.ts) FILTER (WHERE e.type LIKE '%.done') AS done_at,
           bool_or(e.type IN ('job.dead', 'job.cancelled')) AS did_fail,
           count(*) FILTER (WHERE e.type = 'job.retrying') AS retry_count,
           bool_or(e.type = 'job.dead') AS is_dead
    FROM bus_events e
    WHERE e.stream LIKE 'job:%' AND e.ts >= since AND e.ts < until
    GROUP BY e.job_id
  )
  SELECT job_type,
         count(*) AS jobs,
         count(*) FILTER (WHERE done_at IS NOT NULL) AS succeeded,
         count(*) FILTER (WHERE did_fail) AS failed,
         coalesce(count(*) FILTER (WHERE done_at IS NOT NULL)::float8 / nullif(count(*) FILTER (WHERE done_at IS NOT NULL OR did_fail), 0), 0),
         coalesce(count(*) FILTER (WHERE did_fail)::float8 / nullif(count(*) FILTER (WHERE done_at IS NOT NULL OR did_fail), 0), 0),
         percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM done_at - enqueued_at) * 1000)
           FILTER (WHERE done_at IS NOT NULL AND enqueued_at IS NOT NULL),
         percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM done_at - enqueued_at) * 1000)
           FILTER (WHERE done_at IS NOT NULL AND enqueued_at IS NOT NULL),
         sum(retry_count)::bigint,
         count(*) FILTER (WHERE is_dead)
  FROM per_job
  GROUP BY job_type
  ORDER BY job_type
$$;

CREATE OR REPLACE VIEW bus_event_report_last_day AS
  SELECT * FROM bus_event_report(now() - interval '1 day', now() + interval '1 minute');
