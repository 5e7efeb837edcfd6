-- The plan's gates over time: one row per bucket of $3 seconds from $1 to $2, all job types together
-- (bus_event_report per type, added up; P95s are the worst type's).
SELECT b.start,
       coalesce(sum(r.jobs), 0)::float8 AS jobs,
       coalesce(sum(r.succeeded), 0)::float8 AS succeeded,
       coalesce(sum(r.failed), 0)::float8 AS failed,
       max(r.p95_ms) AS p95_ms,
       coalesce(sum(r.duplicate_executions), 0)::float8 AS duplicate_executions,
       max(r.recover_p95_ms) AS recover_p95_ms
FROM generate_series($1::timestamptz, $2::timestamptz - make_interval(secs => $3), make_interval(secs => $3)) AS b(start)
LEFT JOIN LATERAL bus_event_report(b.start, b.start + make_interval(secs => $3)) r ON true
GROUP BY b.start
ORDER BY b.start
