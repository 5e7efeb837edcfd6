import type { Job } from 'bullmq';
import type { JobNode } from '../graph/job-lineage.js';
import type { JobStatus } from './job-types.js';

/** What a client sees of a job (DESIGN §4 status), from the graph record and, while it runs, BullMQ. */
export interface JobView {
  id: string;
  type: string;
  status: JobStatus;
  tenant: string;
  traceId: string;
  idempotencyKey: string | null;
  parentJobId: string | null;
  attempts: number;
  maxAttempts: number;
  workerId: string | null;
  leaseDeadline: string | null;
  enqueuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  input: unknown;
  result: unknown;
  error: { code: string; message: string; retryable: boolean } | null;
  artifacts: Record<string, unknown>[];
}

const TERMINAL: ReadonlySet<string> = new Set(['completed', 'failed', 'dead', 'cancelled']);

export function isTerminalStatus(status: string): boolean {
  return TERMINAL.has(status);
}

function parseJson(text: string | null | undefined): unknown {
  return text ? JSON.parse(text) : null;
}

export function jobViewFromNode(node: JobNode & { artifacts?: Record<string, unknown>[] }): JobView {
  return {
    id: node.id,
    type: node.type,
    status: node.status as JobStatus,
    tenant: node.tenant,
    traceId: node.traceId,
    idempotencyKey: node.idempotencyKey ?? null,
    parentJobId: node.parentJobId ?? null,
    attempts: Number(node.attempts ?? 0),
    maxAttempts: Number(node.maxAttempts),
    workerId: node.workerId ?? null,
    leaseDeadline: null,
    enqueuedAt: node.enqueuedAt,
    startedAt: node.startedAt ?? null,
    finishedAt: node.finishedAt ?? null,
    input: parseJson(node.inputJson),
    result: parseJson(node.resultJson),
    error: parseJson(node.errorJson) as JobView['error'],
    artifacts: node.artifacts ?? [],
  };
}

/** A job whose graph record is not written yet, from the copy BullMQ holds. */
export function jobViewFromQueue(
  redact: (input: unknown) => unknown,
  job: Job<{ input: unknown; meta: { tenant: string; traceId: string; idempotencyKey: string | null; parentJobId: string | null; enqueuedAt: string } }>,
  area: string,
): JobView {
  const { meta } = job.data;
  return {
    id: job.id as string,
    type: area,
    status: 'queued',
    tenant: meta.tenant,
    traceId: meta.traceId,
    idempotencyKey: meta.idempotencyKey,
    parentJobId: meta.parentJobId,
    attempts: job.attemptsMade,
    maxAttempts: job.opts.attempts ?? 1,
    workerId: null,
    leaseDeadline: null,
    enqueuedAt: meta.enqueuedAt,
    startedAt: null,
    finishedAt: null,
    input: redact(job.data.input),
    result: null,
    error: null,
    artifacts: [],
  };
}

/** While a job is not finished, BullMQ owns its live state: queued, running (with a lease), parked for its children or backing off. */
export function withLiveState(view: JobView, job: Job, state: string, leaseMs: number): JobView {
  if (isTerminalStatus(view.status)) return view;
  const status: JobStatus =
    state === 'active'
      ? 'active'
      : state === 'waiting-children'
        ? 'waiting'
        : state === 'delayed' && job.attemptsMade > 0
          ? 'retrying'
          : state === 'failed'
            ? 'dead'
            : state === 'completed'
              ? 'completed'
              : state === 'waiting' || state === 'prioritized'
                ? 'queued'
                : view.status;
  return {
    ...view,
    status,
    attempts: Math.max(view.attempts, job.attemptsStarted ?? job.attemptsMade),
    // Back in the queue after a stall: the worker it names is gone.
    workerId: status === 'queued' ? null : view.workerId,
    // Finished in BullMQ before the graph record caught up: BullMQ's copy of the outcome is the same one.
    ...(state === 'completed'
      ? { result: view.result ?? job.returnvalue ?? null, finishedAt: view.finishedAt ?? (job.finishedOn ? new Date(job.finishedOn).toISOString() : null) }
      : {}),
    leaseDeadline: state === 'active' && leaseMs > 0 ? new Date(Date.now() + leaseMs).toISOString() : null,
  };
}
