import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Job, UnrecoverableError, WaitingChildrenError, Worker, type Telemetry } from 'bullmq';
import type { Redis } from 'ioredis';
import type { EventBus } from '../events/event-bus.js';
import { AppError, toAppError } from '../errors.js';
import type { JobChanges, JobLineage } from '../graph/job-lineage.js';
import type { Logger } from '../observability/logger.js';
import { withSpan } from '../observability/tracing.js';
import type { Clock } from '../redis/shared-clock.js';
import type { JobContext, Processor, Processors } from './job-context.js';
import { jobFactsOf, type JobData } from './job-record.js';
import { createLease, isLeaseLost, LeaseLostError, lockKeyOf, type Lease } from './lease.js';
import { JOB_POLICIES, type JobArea } from './job-types.js';
import { startPresence } from './presence.js';
import { keyPrefixOf } from './queues.js';

export interface WorkerHostOptions {
  redis: Redis;
  /** A dedicated connection for the cancel channel (SUBSCRIBE mode). */
  subscriber: Redis;
  prefix: string;
  events: EventBus;
  lineage: JobLineage;
  logger: Logger;
  processors: Processors;
  workerId?: string;
  /**
   * The lease: a worker renews it every half period while a job runs. One killed outright stops renewing, and
   * the job is claimed again after at most lockDuration + stalledInterval (3 s + 1 s by default; DESIGN: 10 s).
   * A processor must therefore never block the event loop for more than ~1.5 s at a time.
   */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  concurrency?: Partial<Record<JobArea, number>>;
  /** Stamps `updatedAtMs` and timings: the deployment's shared clock (src/redis/shared-clock.ts). */
  clock: Clock;
  /** Called when this worker takes over a job whose last run was lost (its worker died mid-run). */
  onTakeover?: (jobId: string) => Promise<unknown>;
  /** bullmq-otel when tracing is on: each job runs in the trace of the request that enqueued it. */
  telemetry?: Telemetry | undefined;
}

const CANCELLED = 'cancelled';
/** Why a run's signal fired when BullMQ could not renew its lock: the run stops and writes nothing more. */
const LEASE_LOST = 'lease-lost';

interface Run {
  token: string;
  controller: AbortController;
  lockKey: string;
}

/** Runs any set of processors against their queues, with presence, cancellation, events and job lineage. */
export async function startWorkerHost(options: WorkerHostOptions) {
  const { redis, subscriber, events, lineage, logger } = options;
  const { clock } = options;
  // System-stream notices are for dashboards and subscribers; a lost one is logged, the job's own stream has the facts.
  const noticeFailed = (what: string, jobId: string) => (error: unknown) => logger.warn({ err: error, jobId }, `could not publish ${what}`);
  const keyPrefix = keyPrefixOf(options.prefix);
  const workerId = options.workerId ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  // Usually one run per job id; two while a run that lost its lease has not noticed yet and the job runs again here.
  const running = new Map<string, Run[]>();
  const runsOf = (jobId: string) => running.get(jobId) ?? [];
  const areas = Object.keys(options.processors) as JobArea[];

  await subscriber.subscribe(`${keyPrefix}:cancel`);
  subscriber.on('message', (channel: string, jobId: string) => {
    if (channel === `${keyPrefix}:cancel`) for (const run of runsOf(jobId)) run.controller.abort(CANCELLED);
  });

  const workers = areas.map((area) => {
    const processor = options.processors[area] as Processor<unknown>;
    const worker = new Worker<JobData>(area, (job, token) => traceRun(area, processor, job, token ?? ''), {
      connection: redis,
      prefix: keyPrefix,
      concurrency: options.concurrency?.[area] ?? JOB_POLICIES[area].concurrency,
      lockDuration: options.lockDurationMs ?? 3000,
      stalledInterval: options.stalledIntervalMs ?? 1000,
      maxStalledCount: 3,
      autorun: true,
      ...(options.telemetry ? { telemetry: options.telemetry } : {}),
    });
    worker.on('stalled', (jobId) => {
      void events.publish({ kind: 'job', jobId }, { type: 'job.stalled', data: { detectedBy: workerId, area } }).catch(noticeFailed('job.stalled', jobId));
      // The system stream is read per tenant (systemEvents): the event says whose job it is.
      void Job.fromId<JobData>(worker, jobId)
        .then((job) => events.publish({ kind: 'system' }, { type: 'job.stalled', jobId, data: { area, tenant: job?.data.meta.tenant ?? null } }))
        .catch(noticeFailed('job.stalled on the system stream', jobId));
    });
    worker.on('error', (error) => logger.warn({ err: error, area }, 'worker error'));
    // The lock could not be renewed: if another run holds it now (or nobody does), this run has lost the job.
    worker.on('lockRenewalFailed', (jobIds) => {
      for (const jobId of jobIds) {
        for (const run of runsOf(jobId)) {
          void redis
            .get(run.lockKey)
            .then((holder) => {
              if (holder !== run.token) run.controller.abort(LEASE_LOST);
            })
            .catch((error: unknown) => logger.warn({ err: error, jobId }, 'could not check a lease after a failed renewal'));
        }
      }
    });
    // BullMQ fails a job that stalled more than maxStalledCount times without running it: record it as dead.
    worker.on('failed', (job, error) => {
      if (!job || running.has(job.id as string) || !/stalled more than allowable limit/.test(error.message)) return;
      const now = clock.date();
      const wire = { code: 'INTERNAL', message: 'the job stalled too many times (its workers kept dying)', retryable: true };
      void lineage
        .update(job.id as string, { status: 'dead', errorJson: JSON.stringify(wire), finishedAt: now.toISOString(), updatedAtMs: now.getTime() })
        .then(() =>
          events.publish({ kind: 'job', jobId: job.id as string }, { type: 'job.dead', traceId: job.data.meta.traceId, data: { status: 'dead', error: wire } }),
        )
        .catch((failure: unknown) => logger.warn({ err: failure, jobId: job.id }, 'could not record a stalled-out job'));
    });
    return worker;
  });
  const presence = startPresence({ redis, keyPrefix, events, workerId, queues: areas, activeJobs: () => running.size });
  await presence.ready;

  const traceRun = (area: JobArea, processor: Processor<unknown>, job: Job<JobData>, token: string) =>
    withSpan(`job.run ${area}`, { 'cogo.job.id': job.id as string, 'cogo.job.type': area, 'cogo.job.attempt': job.attemptsMade + 1 }, () =>
      runJob(area, processor, job, token),
    );

  async function runJob(area: JobArea, processor: Processor<unknown>, job: Job<JobData>, token: string) {
    const jobId = job.id as string;
    const { input, meta } = job.data;
    const stream = { kind: 'job', jobId } as const;
    const lease = createLease(redis, { key: lockKeyOf(keyPrefix, area, jobId), token, jobId });
    // Every write of this run is fenced by its lock token: the stream's (atomically in the publish script), the
    // record's (runToken in Neo4j) and the checkpoint's.
    const publish = (type: string, data: Record<string, unknown>) => events.publish(stream, { type, traceId: meta.traceId, data }, lease).then(() => undefined);
    const record = (changes: JobChanges) => lineage.update(jobId, changes, null, token);
    const controller = new AbortController();
    const run: Run = { token, controller, lockKey: lease.key };
    running.set(jobId, [...runsOf(jobId), run]);
    const timeout = setTimeout(
      () => controller.abort(new AppError('TIMEOUT', `the attempt ran past ${JOB_POLICIES[area].timeoutMs} ms`, { via: area })),
      JOB_POLICIES[area].timeoutMs,
    );
    const attempt = job.attemptsMade + 1;
    const log = logger.child({ jobId, area, traceId: meta.traceId, attempt });
    try {
      const startedAt = clock.date();
      // Awaited before the processor runs: agents attach what they produce to their (:Job) node, and this write
      // creates it from BullMQ's copy if the control plane's has not landed yet. The `started` event goes out
      // meanwhile (BullMQ already knows the job is active, and reads overlay that).
      // This write claims the record for this run (runToken): from here on, an older run's writes match nothing.
      const recorded = lineage.update(
        jobId,
        { status: 'active', attempts: attempt, workerId, startedAt: startedAt.toISOString(), updatedAtMs: startedAt.getTime(), runToken: token },
        jobFactsOf(jobId, area, job.data),
      );
      const resumed = (job.attemptsStarted ?? attempt) > attempt || job.stalledCounter > 0;
      const [cancelled] = await Promise.all([
        redis.exists(`${keyPrefix}:cancel:${jobId}`),
        publish('meta', { phase: 'started', attempt, workerId, resumed }),
        recorded,
      ]);
      if (resumed) void options.onTakeover?.(jobId).catch((error: unknown) => log.warn({ err: error }, 'takeover hook failed'));
      if (cancelled) controller.abort(CANCELLED);
      const ctx: JobContext<unknown> = {
        jobId,
        area,
        input,
        attempt,
        workerId,
        traceId: meta.traceId,
        tenant: meta.tenant,
        principal: meta.principal,
        signal: controller.signal,
        logger: log,
        progress: (data) => publish(`${area}.progress`, data),
        partial: (data) => publish(`${area}.partial`, data),
        log: (message, data) => publish(`${area}.log`, { message, ...data }),
        emit: (type, data) => publish(type, data),
        checkpoint: {
          get: async <T>() => {
            const raw = await redis.get(`${keyPrefix}:ckpt:${jobId}`);
            return raw ? (JSON.parse(raw) as T) : undefined;
          },
          set: (value) => lease.set(`${keyPrefix}:ckpt:${jobId}`, JSON.stringify(value), 7 * 24 * 3600),
        },
        assertLease: () => lease.assertHeld(),
        waitForChildren: async () => {
          if ((await job.getDependenciesCount({ unprocessed: true })).unprocessed === 0) return;
          // Said while this run still holds the job (its writes are fenced by the lock the move gives up).
          await publish('meta', { phase: 'waiting-children', attempt });
          await record({ status: 'waiting', updatedAtMs: clock.now() });
          // Fenced by the lock token: only the run that holds the job can park it.
          if (await job.moveToWaitingChildren(token)) throw new WaitingChildrenError();
          // The children finished meanwhile: it runs on.
          await record({ status: 'active', updatedAtMs: clock.now() });
        },
      };
      if (controller.signal.aborted) throw controller.signal.reason;
      const result = (await processor(ctx)) ?? {};
      if (controller.signal.reason === CANCELLED) throw CANCELLED;
      const finishedAt = clock.date();
      // Checked here as well as by the record's runToken: a run whose lock expired before any other run started
      // would still match its own token in Neo4j.
      await lease.assertHeld();
      await record({ status: 'completed', resultJson: JSON.stringify(result), finishedAt: finishedAt.toISOString(), updatedAtMs: finishedAt.getTime() });
      await publish(`${area}.done`, { result });
      void events
        .publish({ kind: 'system' }, { type: 'job.completed', jobId, traceId: meta.traceId, data: { area, tenant: meta.tenant } })
        .catch(noticeFailed('job.completed', jobId));
      return result;
    } catch (thrown) {
      // An aborted attempt failed because of why it was aborted (cancel, timeout), whatever the processor threw.
      const reason = controller.signal.aborted ? controller.signal.reason : thrown;
      // Parked until its children finish (a flow's parent): not a failure, and BullMQ runs it again after them.
      if (reason instanceof WaitingChildrenError) throw reason;
      if (reason === LEASE_LOST || isLeaseLost(reason) || isLeaseLost(thrown)) {
        // Another run owns the job now (or will): its outcome is the job's. This run records nothing, and BullMQ
        // refuses its completion or failure too (the lock token no longer matches).
        log.warn('lost the lease: this run stops without writing a result, an event or a status');
        throw new LeaseLostError(jobId);
      }
      throw await settleFailure(area, job, attempt, reason, { publish, record, lease }, log);
    } finally {
      clearTimeout(timeout);
      const others = runsOf(jobId).filter((r) => r !== run);
      if (others.length > 0) running.set(jobId, others);
      else running.delete(jobId);
    }
  }

  /** Decides retry vs dead-letter in one place, records it, and returns what BullMQ should see. */
  async function settleFailure(area: JobArea, job: Job<JobData>, attempt: number, thrown: unknown, writes: RunWrites, log: Logger): Promise<Error> {
    const { publish, record, lease } = writes;
    const jobId = job.id as string;
    const now = clock.date();
    // A run that lost its lease while failing settles nothing: the LeaseLostError thrown here reaches BullMQ.
    await lease.assertHeld();
    if (thrown === CANCELLED) {
      await record({ status: 'cancelled', finishedAt: now.toISOString(), updatedAtMs: now.getTime() });
      await publish('job.cancelled', { reason: 'cancelled while running', attempt });
      return new UnrecoverableError('cancelled');
    }
    const error = toAppError(thrown, area);
    if (error.code === 'INTERNAL') log.error({ err: thrown }, 'job attempt failed');
    const maxAttempts = job.opts.attempts ?? JOB_POLICIES[area].attempts;
    const final = !error.retryable || attempt >= maxAttempts;
    const wire = { code: error.code, message: error.message, retryable: error.retryable };
    await publish(`${area}.error`, { ...wire, attempt, final });
    if (!final) {
      await record({ status: 'retrying', errorJson: JSON.stringify(wire), updatedAtMs: now.getTime() });
      await publish('job.retrying', { attempt, nextAttempt: attempt + 1, maxAttempts, error: wire });
      return error;
    }
    const status = error.retryable ? 'dead' : 'failed';
    await record({ status, errorJson: JSON.stringify(wire), finishedAt: now.toISOString(), updatedAtMs: now.getTime() });
    await publish('job.dead', { status, attempts: attempt, error: wire });
    void events
      .publish({ kind: 'system' }, { type: 'job.dead', jobId, data: { area, status, tenant: job.data.meta.tenant } })
      .catch(noticeFailed('job.dead', jobId));
    return new UnrecoverableError(error.message);
  }

  return {
    workerId,
    workers,
    /** Graceful drain: stop taking jobs, let running ones finish, then leave. */
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await presence.stop();
      // Closing: the connection itself is closed next by its owner, which ends the subscription anyway.
      await subscriber.unsubscribe(`${keyPrefix}:cancel`).catch((error: unknown) => logger.debug({ err: error }, 'unsubscribe on close failed'));
    },
  };
}

/** The writes one run may make, each fenced by its lease. */
interface RunWrites {
  publish: (type: string, data: Record<string, unknown>) => Promise<void>;
  record: (changes: JobChanges) => Promise<void>;
  lease: Lease;
}

export type WorkerHost = Awaited<ReturnType<typeof startWorkerHost>>;
