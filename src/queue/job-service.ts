import { setTimeout as sleep } from 'node:timers/promises';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { EventBus } from '../events/event-bus.js';
import { audited, type AuditLog } from '../audit/audit-log.js';
import { AppError } from '../errors.js';
import type { JobLineage, JobNode } from '../graph/job-lineage.js';
import { withSpan } from '../observability/tracing.js';
import { withRedisErrors } from '../redis/redis-errors.js';
import type { Clock } from '../redis/shared-clock.js';
import { createIdempotencyStore, payloadHash } from './idempotency.js';
import type { InputCheck } from './input-checks.js';
import { parseJobInput } from './job-inputs.js';
import { hasRedactedSecrets, jobFactsOf, redactInput, type JobData } from './job-record.js';
import { newJobId, parseJobId, type EnqueueType, type JobArea } from './job-types.js';
import { isTerminalStatus, jobViewFromNode, jobViewFromQueue, withLiveState, type JobView } from './job-view.js';
import { keyPrefixOf, type Queues } from './queues.js';

export interface Principal {
  id: string;
  tenant: string;
  /** The credential's scopes, where the caller has them (an execute flow's actions are checked against them). */
  scopes?: readonly string[];
}

export interface EnqueueRequest {
  type: EnqueueType;
  input: unknown;
  idempotencyKey?: string | null;
  parentJobId?: string | null;
  /** With parentJobId: a child in the parent's BullMQ flow — the parent waits for it (ctx.waitForChildren). */
  waitedOnByParent?: boolean;
  traceId: string;
  principal: Principal;
}

export type { JobData } from './job-record.js';

const IDEMPOTENCY_KEY = /^[\w.:@/-]{1,200}$/;

export interface JobServiceDeps {
  redis: Redis;
  queues: Queues;
  lineage: JobLineage;
  events: EventBus;
  prefix: string;
  maxPayloadBytes: number;
  /** Where every enqueue, cancel, retry and requeue is recorded, accepted or refused. */
  audit: AuditLog;
  /**
   * Checks an input against the machine before anything is stored (an indexing root inside the allowed roots),
   * returning the input to enqueue; a refusal throws and nothing is enqueued. See src/queue/input-checks.ts.
   */
  checkInput: InputCheck;
  /** Stamps `updatedAtMs`: the deployment's shared clock, so that workers on other hosts order with this one. */
  clock: Clock;
}

/** The control plane's view of jobs: enqueue, read, list, cancel, retry. Never runs a job itself. */
export function createJobService(deps: JobServiceDeps) {
  const { redis, queues, lineage, events } = deps;
  const { clock } = deps;
  const keyPrefix = keyPrefixOf(deps.prefix);
  const idempotency = createIdempotencyStore(redis, keyPrefix);

  async function enqueue(request: EnqueueRequest): Promise<{ jobId: string; created: boolean }> {
    const size = Buffer.byteLength(JSON.stringify(request.input ?? null));
    if (size > deps.maxPayloadBytes) {
      throw new AppError('PAYLOAD_TOO_LARGE', `the job input is ${size} bytes; the limit is ${deps.maxPayloadBytes} (COGO_MAX_PAYLOAD_BYTES)`, { via: 'jobs' });
    }
    const parsed = parseJobInput(request.type, request.input);
    const key = request.idempotencyKey ?? null;
    if (key !== null && !IDEMPOTENCY_KEY.test(key)) {
      throw new AppError('BAD_INPUT', 'idempotencyKey must be 1–200 characters of letters, digits and . _ : @ / -', { via: 'jobs' });
    }
    const parentJobId = request.parentJobId ?? null;
    if (parentJobId !== null) {
      parseJobId(parentJobId);
      if (!(await lineage.get(parentJobId, request.principal.tenant))) {
        throw new AppError('NOT_FOUND', `parent job ${parentJobId} does not exist`, { via: 'jobs' });
      }
    }
    // Last of the checks: the input against this machine (an indexing root inside the allowed roots). Another
    // tenant's parent is NOT_FOUND whatever the input says.
    const input = await deps.checkInput(request.type, parsed, request.principal);
    const scope = `${request.principal.tenant}:${request.type}`;
    const hash = payloadHash({ input, parentJobId });
    let jobId = newJobId(request.type);
    if (key !== null) {
      const claim = await idempotency.claim(scope, key, hash, jobId);
      if (claim.status === 'existing') return { jobId: claim.jobId, created: false };
      jobId = claim.jobId;
    }
    try {
      await createJob(jobId, request, input);
    } catch (error) {
      if (key !== null) await idempotency.release(scope, key);
      throw error;
    }
    if (key !== null) await idempotency.markCreated(scope, key, hash, jobId);
    return { jobId, created: true };
  }

  const createJob = (jobId: string, request: EnqueueRequest, input: unknown) =>
    withSpan('job.enqueue', { 'cogo.job.id': jobId, 'cogo.job.type': request.type, 'cogo.tenant': request.principal.tenant }, () =>
      recordJob(jobId, request, input),
    );

  async function recordJob(jobId: string, request: EnqueueRequest, input: unknown) {
    const enqueuedAt = clock.date().toISOString();
    const data: JobData = {
      input,
      meta: {
        tenant: request.principal.tenant,
        traceId: request.traceId,
        principal: request.principal.id,
        idempotencyKey: request.idempotencyKey ?? null,
        parentJobId: request.parentJobId ?? null,
        enqueuedAt,
      },
    };
    const node: JobNode = { ...jobFactsOf(jobId, request.type, data), status: 'queued', attempts: 0, updatedAtMs: clock.now() };
    // Announced before BullMQ has the job, so that no worker's event about it can come first (both in one write).
    await Promise.all([
      events.publish({ kind: 'job', jobId }, { type: 'meta', traceId: request.traceId, data: { phase: 'enqueued', type: request.type, tenant: node.tenant } }),
      events.publish({ kind: 'system' }, { type: 'job.enqueued', jobId, traceId: request.traceId, data: { type: request.type, tenant: node.tenant } }),
    ]);
    // Both at once: the worker that starts the job writes its record from BullMQ's copy if this write has not
    // landed yet, before the processor runs (worker-host), so the caller waits for one round trip, not two.
    const [graph, queue] = await Promise.allSettled([lineage.create(node), queues[request.type].add(request.type, data, { jobId, ...flowOptions(request) })]);
    if (queue.status === 'rejected') {
      const wire = { code: 'UPSTREAM_UNAVAILABLE', message: 'the job could not be queued', retryable: true };
      if (graph.status === 'fulfilled') {
        const now = clock.date();
        // Best effort: the caller gets BullMQ's error below either way; a record left `queued` is listed as such and
        // can be retried (there is no logger in the job service, and this error would only repeat Neo4j's outage).
        await lineage
          .update(jobId, { status: 'failed', errorJson: JSON.stringify(wire), finishedAt: now.toISOString(), updatedAtMs: now.getTime() })
          .catch(() => {});
      }
      throw queue.reason;
    }
    // Taken back while no worker holds it: the caller hears of the failure and nothing is left enqueued. A worker
    // that already holds it writes the record itself, so the job stands.
    if (
      graph.status === 'rejected' &&
      (await queue.value.remove().then(
        () => true,
        () => false,
      ))
    )
      throw graph.reason;
  }

  /** A flow child: the parent's dependency; a child that fails for good does not strand the parent, which reads its outcome. */
  function flowOptions(request: EnqueueRequest) {
    if (!request.waitedOnByParent || !request.parentJobId) return {};
    const parent = { id: request.parentJobId, queue: queues[parseJobId(request.parentJobId).area].qualifiedName };
    return { parent, ignoreDependencyOnFailure: true };
  }

  async function get(id: string, principal: Principal): Promise<JobView> {
    const { area } = parseJobId(id);
    const node = await lineage.get(id, principal.tenant);
    if (node && isTerminalStatus(node.status)) return jobViewFromNode(node);
    const queued = await queues[area].getJob(id);
    // Just enqueued, its graph record not yet written: BullMQ's copy of the job tells the same facts.
    const job: Job<JobData> | undefined = queued && (queued.data as JobData).meta.tenant === principal.tenant ? queued : undefined;
    if (!node && !job) throw new AppError('NOT_FOUND', `job ${id} does not exist`, { via: 'jobs' });
    const view = node ? jobViewFromNode(node) : jobViewFromQueue(redactInput, job as Job<JobData>, area);
    if (!job) return view;
    const [state, leaseMs] = await Promise.all([job.getState(), redis.pttl(`${keyPrefix}:${area}:${id}:lock`)]);
    if (state === 'completed' || state === 'failed') return finishedSince(id, principal, area, view, state);
    return withLiveState(view, job, state, leaseMs);
  }

  /**
   * The job finished between reading its record and asking BullMQ for its state, so both reads may predate the
   * outcome. Workers write the outcome to the graph before BullMQ's, so a second read of either has it.
   */
  async function finishedSince(id: string, principal: Principal, area: JobArea, view: JobView, state: string): Promise<JobView> {
    const [node, fresh] = await Promise.all([lineage.get(id, principal.tenant), queues[area].getJob(id)]);
    if (node && isTerminalStatus(node.status)) return jobViewFromNode(node);
    // Requeued after BullMQ's finish, which still shows the previous run until the requeue reaches BullMQ.
    if (node && fresh?.finishedOn && Number(node.updatedAtMs) > fresh.finishedOn) return jobViewFromNode(node);
    return fresh ? withLiveState(node ? jobViewFromNode(node) : view, fresh, state, 0) : view;
  }

  async function cancel(id: string, principal: Principal): Promise<JobView> {
    const view = await get(id, principal);
    if (isTerminalStatus(view.status)) {
      throw new AppError('BAD_INPUT', `job ${id} is already ${view.status}; nothing to cancel`, { via: 'jobs' });
    }
    const area = view.type as JobArea;
    // Flag first: a worker that claims the job after this point sees the flag and stops at once.
    await redis.set(`${keyPrefix}:cancel:${id}`, '1', 'EX', 7 * 24 * 3600);
    const job = await queues[area].getJob(id);
    const state = job ? await job.getState() : 'unknown';
    const waiting = state === 'waiting' || state === 'delayed' || state === 'prioritized';
    // A worker may claim it between the two reads: then removal fails, and the worker sees the flag at its start.
    if (
      job &&
      waiting &&
      (await job.remove().then(
        () => true,
        () => false,
      ))
    ) {
      await markCancelled(id, view.traceId, 'removed before it ran');
    } else {
      await redis.publish(`${keyPrefix}:cancel`, id);
    }
    return get(id, principal);
  }

  async function markCancelled(id: string, traceId: string, reason: string) {
    const now = clock.date();
    await lineage.update(id, { status: 'cancelled', finishedAt: now.toISOString(), updatedAtMs: now.getTime() });
    await events.publish({ kind: 'job', jobId: id }, { type: 'job.cancelled', traceId, data: { reason } });
  }

  /** Runs a finished job again (requeue of a dead letter, or retry of a failed/cancelled/completed job). */
  async function retry(id: string, principal: Principal, onlyDead = false): Promise<JobView> {
    const view = await get(id, principal);
    if (!isTerminalStatus(view.status) || (onlyDead && view.status !== 'dead' && view.status !== 'failed')) {
      throw new AppError('BAD_INPUT', `job ${id} is ${view.status}; only ${onlyDead ? 'dead or failed' : 'finished'} jobs can be requeued`, { via: 'jobs' });
    }
    const area = view.type as JobArea;
    const job = (await queues[area].getJob(id)) as Job<JobData> | undefined;
    const state = job ? await settledState(job, id) : 'missing';
    // The graph keeps a build's env values only as ***: once BullMQ has dropped its copy, running the job again
    // from the graph would run it without its secrets. Say so before changing anything.
    if (!job && hasRedactedSecrets(view.input)) {
      throw new AppError(
        'BAD_INPUT',
        `job ${id}'s env values are no longer kept (BullMQ removes finished jobs after 7–30 days); enqueue it again with its env`,
        { via: 'jobs' },
      );
    }
    await redis.del(`${keyPrefix}:cancel:${id}`);
    const now = clock.now();
    await lineage.update(id, { status: 'queued', attempts: 0, errorJson: null, resultJson: null, finishedAt: null, updatedAtMs: now });
    await events.publish({ kind: 'job', jobId: id }, { type: 'meta', traceId: view.traceId, data: { phase: 'requeued', previousStatus: view.status } });
    if (job && (state === 'failed' || state === 'completed')) {
      await job.retry(state, { resetAttemptsMade: true, resetAttemptsStarted: true });
    } else {
      // BullMQ may have dropped its copy already (retention); a removal that really failed makes add() below fail.
      if (job) await job.remove().catch(() => {});
      const data: JobData = {
        // BullMQ's copy, where there is one, holds the real input; the graph's is redacted.
        input: job ? job.data.input : view.input,
        meta: {
          tenant: view.tenant,
          traceId: view.traceId,
          principal: principal.id,
          idempotencyKey: view.idempotencyKey,
          parentJobId: view.parentJobId,
          enqueuedAt: view.enqueuedAt,
        },
      };
      await queues[area].add(area, data, { jobId: id });
    }
    return get(id, principal);
  }

  /**
   * A worker records a job's end in the graph before BullMQ moves it out of `active`; a requeue that lands in
   * between would find the job still locked, so it waits for BullMQ's move (milliseconds) before changing anything.
   */
  async function settledState(job: Job, id: string): Promise<string> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const state = await job.getState();
      if (state !== 'active') return state;
      if (Date.now() > deadline) {
        throw new AppError('UPSTREAM_UNAVAILABLE', `job ${id} is finished but its worker has not released it yet; try again in a few seconds`, { via: 'jobs' });
      }
      await sleep(25);
    }
  }

  const who = (principal: Principal) => ({ tenant: principal.tenant, principal: principal.id });
  // Neo4j and Postgres map their own failures; Redis (idempotency keys, BullMQ, events) is mapped here, once.
  return {
    enqueue: (request: EnqueueRequest) =>
      audited(
        deps.audit,
        { ...who(request.principal), action: `enqueue.${request.type}`, target: null, traceId: request.traceId },
        () => withRedisErrors(() => enqueue(request)),
        (r) => ({
          target: r.jobId,
          details: { created: r.created, idempotencyKey: request.idempotencyKey ?? null, parentJobId: request.parentJobId ?? null },
        }),
      ),
    get: (id: string, principal: Principal) => withRedisErrors(() => get(id, principal)),
    cancel: (id: string, principal: Principal) =>
      audited(
        deps.audit,
        { ...who(principal), action: 'cancel', target: id, traceId: null },
        () => withRedisErrors(() => cancel(id, principal)),
        (v) => ({ details: { status: v.status } }),
      ),
    retry: (id: string, principal: Principal, onlyDead = false) =>
      audited(
        deps.audit,
        { ...who(principal), action: onlyDead ? 'requeue' : 'retry', target: id, traceId: null },
        () => withRedisErrors(() => retry(id, principal, onlyDead)),
        (v) => ({
          details: { status: v.status },
        }),
      ),
    keyPrefix,
  };
}

export type JobService = ReturnType<typeof createJobService>;
