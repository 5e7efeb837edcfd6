import { Counter, Histogram, type Registry } from 'prom-client';
import type { BusEvent, StreamName } from '../events/event-types.js';
import { JOB_AREAS, type JobArea } from '../queue/job-types.js';

/** Attempts longer than a build's timeout still land in +Inf; buckets span a no-op job to a long build. */
const JOB_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];
/** Attempts whose end this process never sees (its lease was lost) must not grow the start table forever. */
const MAX_RUNNING = 10_000;

const areaOf = (jobId: string | null): JobArea | null => {
  const prefix = jobId?.slice(0, jobId.indexOf('-')) ?? '';
  return (JOB_AREAS as readonly string[]).includes(prefix) ? (prefix as JobArea) : null;
};

/**
 * Job metrics read off the events this process publishes on job streams: a worker publishes `meta {phase:
 * started}` and the attempt's outcome itself, so durations, retries, dead letters, stalls, recoveries and model
 * calls need no counter inside the worker host or the agents.
 */
export function createJobMetrics(registry: Registry) {
  const registers = [registry];
  const duration = new Histogram({
    name: 'cogo_job_duration_seconds',
    help: 'One attempt of a job, from its start on a worker to its outcome (completed, retried, dead, failed, cancelled)',
    labelNames: ['type', 'outcome'],
    buckets: JOB_BUCKETS,
    registers,
  });
  const retries = new Counter({ name: 'cogo_job_retries_total', help: 'Attempts that failed and will be retried', labelNames: ['type'], registers });
  const deadLetters = new Counter({
    name: 'cogo_dead_letters_total',
    help: 'Jobs that ended without success after their last attempt (status dead: retryable error; failed: not retryable)',
    labelNames: ['type', 'status'],
    registers,
  });
  const stalls = new Counter({ name: 'cogo_job_stalls_total', help: 'Jobs whose worker stopped renewing its lease', labelNames: ['type'], registers });
  const recoveries = new Counter({
    name: 'cogo_job_recoveries_total',
    help: 'Attempts that took over a job another worker lost (resumed from its checkpoint)',
    labelNames: ['type'],
    registers,
  });
  const modelCalls = new Counter({
    name: 'cogo_model_calls_total',
    help: 'Model calls of answered questions, by tier and outcome',
    labelNames: ['tier', 'outcome'],
    registers,
  });
  const modelCost = new Counter({
    name: 'cogo_model_cost_usd_total',
    help: 'What the model calls of answered questions cost (USD), by tier',
    labelNames: ['tier'],
    registers,
  });
  const started = new Map<string, number>();

  const finish = (jobId: string, type: JobArea, outcome: string, ts: string) => {
    const from = started.get(jobId);
    if (from === undefined) return;
    started.delete(jobId);
    duration.observe({ type, outcome }, Math.max(0, Date.parse(ts) - from) / 1000);
  };

  return {
    observe(event: BusEvent, stream: StreamName) {
      if (stream.kind !== 'job') return;
      const type = areaOf(stream.jobId);
      if (!type) return;
      const { jobId } = stream;
      switch (event.type) {
        case 'meta':
          if (event.data.phase !== 'started') return;
          if (started.size >= MAX_RUNNING) started.delete(started.keys().next().value as string);
          started.set(jobId, Date.parse(event.ts));
          if (event.data.resumed === true) recoveries.inc({ type });
          return;
        case 'job.retrying':
          retries.inc({ type });
          return finish(jobId, type, 'retried', event.ts);
        case 'job.dead': {
          const status = event.data.status === 'failed' ? 'failed' : 'dead';
          deadLetters.inc({ type, status });
          return finish(jobId, type, status, event.ts);
        }
        case 'job.cancelled':
          return finish(jobId, type, 'cancelled', event.ts);
        case 'job.stalled':
          stalls.inc({ type });
          return;
        case `${type}.done`:
          return finish(jobId, type, 'completed', event.ts);
        case 'llm.done':
          for (const attempt of (event.data.attempts ?? []) as { tier?: string; ok?: boolean; costUsd?: number }[]) {
            const tier = attempt.tier ?? 'unknown';
            modelCalls.inc({ tier, outcome: attempt.ok ? 'ok' : 'failed' });
            if (typeof attempt.costUsd === 'number' && attempt.costUsd > 0) modelCost.inc({ tier }, attempt.costUsd);
          }
          return;
        default:
          return;
      }
    },
  };
}
