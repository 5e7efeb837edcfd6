-- The plan's gates over [$1, $2) from bus_events, per bucket of $3 seconds (by the job's first event in the window)
-- and for the whole window (bucket NULL). Same definitions as bus_event_jobs/bus_event_report (migrations 006, 010):
-- a duplicate execution is a start after an earlier start whose previous event (lost-lease notices aside) was
-- neither a retry nor a requeue; its time to recover is the gap from that event. Computed with lag() and running
-- counts, one pass per job, as bus_event_jobs is since migration 011.
-- An answer is an orchestrate job's `llm.done` that carries `unsupportedCitations` (older events do not: not
-- judged); it is an evidence mismatch when its checked answer had a cited sentence its passages do not support.
WITH ev AS (
  SELECT e.job_id, e.seq, e.type, e.ts, e.data->>'phase' AS phase, (e.type = 'meta' AND e.data->>'phase' = 'started') AS is_start,
         CASE WHEN e.type = 'llm.done' THEN (e.data->>'unsupportedCitations')::int END AS unsupported_citations
  FROM bus_events e
  WHERE e.stream LIKE 'job:%' AND e.ts >= $1::timestamptz AND e.ts < $2::timestamptz AND e.type <> 'job.stalled'
), runs AS (
  SELECT ev.*,
         count(*) FILTER (WHERE ev.is_start) OVER w - CASE WHEN ev.is_start THEN 1 ELSE 0 END AS starts_before,
         lag(ev.type) OVER w AS prev_type, lag(ev.phase) OVER w AS prev_phase, lag(ev.ts) OVER w AS prev_ts
  FROM ev
  WINDOW w AS (PARTITION BY ev.job_id ORDER BY ev.seq)
), marked AS (
  SELECT runs.*, (is_start AND starts_before > 0 AND NOT (prev_type = 'job.retrying' OR (prev_type = 'meta' AND prev_phase = 'requeued'))) AS is_duplicate
  FROM runs
), jobs AS (
  SELECT job_id,
         min(ts) AS first_ts,
         min(ts) FILTER (WHERE type = 'meta') AS enqueued_at,
         max(ts) FILTER (WHERE type LIKE '%.done') AS done_at,
         bool_or(type IN ('job.dead', 'job.cancelled')) AS did_fail,
         count(*) FILTER (WHERE is_duplicate) AS duplicates,
         max(extract(epoch FROM ts - prev_ts) * 1000) FILTER (WHERE is_duplicate) AS recover_ms,
         max(unsupported_citations) AS unsupported_citations
  FROM marked
  GROUP BY job_id
)
SELECT floor(extract(epoch FROM first_ts - $1::timestamptz) / $3)::int AS bucket,
       count(*)::float8 AS jobs,
       (count(*) FILTER (WHERE done_at IS NOT NULL))::float8 AS succeeded,
       (count(*) FILTER (WHERE did_fail))::float8 AS failed,
       percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM done_at - enqueued_at) * 1000)
         FILTER (WHERE done_at IS NOT NULL AND enqueued_at IS NOT NULL) AS p95_ms,
       coalesce(sum(duplicates), 0)::float8 AS duplicate_executions,
       percentile_cont(0.95) WITHIN GROUP (ORDER BY recover_ms) FILTER (WHERE recover_ms IS NOT NULL) AS recover_p95_ms,
       (count(*) FILTER (WHERE unsupported_citations IS NOT NULL))::float8 AS answers,
       (count(*) FILTER (WHERE unsupported_citations > 0))::float8 AS mismatched_answers
FROM jobs
GROUP BY GROUPING SETS ((1), ())
