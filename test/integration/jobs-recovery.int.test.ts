import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BusEvent } from '../../src/events/event-types.js';
import { parsePrometheus, sampleValue } from '../support/prometheus-text.js';
import { startPlatform, waitUntil, type Platform } from './support/platform.js';

const JOB = `query($id: ID!) { job(id: $id) { id status attempts workerId error { code message retryable } result } }`;
type JobRead = { job: { status: string; attempts: number; workerId: string; error: { code: string } | null; result: Record<string, number> | null } };

describe('job recovery, retries and cancellation with worker processes', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform?.close());
  afterEach(() => platform.stopWorkers());

  async function enqueue(params: Record<string, unknown>) {
    const { data, errors } = await platform.graphql<{ enqueueExecute: { jobId: string } }>(
      'mutation($p: JSON) { enqueueExecute(input: {action: "script", params: $p}) { jobId } }',
      { p: params },
    );
    if (errors) throw new Error(JSON.stringify(errors));
    return data!.enqueueExecute.jobId;
  }
  const read = async (id: string) => (await platform.graphql<JobRead>(JOB, { id })).data!.job;
  const events = (jobId: string) => platform.runtime.events.read({ kind: 'job', jobId }, undefined, 1000);
  const effects = async () => Number((await platform.runtime.redis.get(`${platform.runtime.keyPrefix}:test:effects`)) ?? 0);
  const untilStatus = (id: string, status: string, timeoutMs: number) =>
    waitUntil(async () => {
      const job = await read(id);
      return job.status === status && job;
    }, timeoutMs);
  /** The job's events once the last one is `type`. Workers record an end in the graph first, then publish it. */
  const untilLastEvent = (id: string, type: string, timeoutMs: number) =>
    waitUntil(async () => {
      const list = await events(id);
      return list.at(-1)?.type === type && list;
    }, timeoutMs);
  type LogRow = { starts: string; retries: string; duplicate_executions: string; stalls: string; recover_ms: number; done_at: Date | null };
  /**
   * The job's row in the Postgres event log report, once every event of its stream has been batched in: each
   * process batches its own, so the API's `requeued` can land after the worker's `done`.
   */
  const eventLogRow = (jobId: string) =>
    waitUntil(async () => {
      const streamed = (await events(jobId)).length;
      const {
        rows: [logged],
      } = await platform.runtime.sql.query<{ n: string }>('SELECT count(*) AS n FROM bus_events WHERE stream = $1', [`job:${jobId}`]);
      if (Number(logged!.n) < streamed) return undefined;
      const { rows } = await platform.runtime.sql.query<LogRow>(
        "SELECT * FROM bus_event_jobs(now() - interval '1 hour', now() + interval '1 minute') WHERE job_id = $1",
        [jobId],
      );
      return rows[0]?.done_at ? rows[0] : undefined;
    }, 10_000);

  it('re-claims the job of a worker killed with SIGKILL on another worker within 10 s, applying its effect once', async () => {
    const [a, b] = await Promise.all([platform.spawnWorker('kill-a', { METRICS_PORT: '0' }), platform.spawnWorker('kill-b', { METRICS_PORT: '0' })]);
    const before = await effects();
    const jobId = await enqueue({ steps: 20, stepMs: 200 });
    const started = await waitUntil(async () => (await events(jobId)).find((e) => e.type === 'execute.progress' && (e.data as { step: number }).step >= 2));
    const owner = (await events(jobId)).find((e) => e.type === 'meta' && e.data.phase === 'started')!.data.workerId;
    const [victim, survivor] = owner === 'kill-a' ? [a, b] : [b, a];
    expect(started).toBeTruthy();
    const killedAt = Date.now();
    await victim.stop('SIGKILL');
    const resumed = await waitUntil(
      async () => (await events(jobId)).find((e) => e.type === 'meta' && e.data.phase === 'started' && e.data.workerId === survivor.id),
      15_000,
    );
    const recoveryMs = Date.parse(resumed.ts) - killedAt;
    expect(recoveryMs).toBeLessThan(10_000);
    const all = await waitUntil(async () => {
      const list = await events(jobId);
      return list.some((e) => e.type === 'execute.done') && list;
    }, 20_000);
    expect(all.some((e) => e.type === 'job.stalled')).toBe(true);
    const done = all.find((e) => e.type === 'execute.done') as BusEvent;
    // The checkpoint let the survivor continue where the victim stopped instead of starting over.
    expect((done.data.result as { resumedFrom: number }).resumedFrom).toBeGreaterThan(1);
    expect(await effects()).toBe(before + 1);
    expect((await read(jobId)).workerId).toBe(survivor.id);
    // The event log in Postgres tells the same story: one run again after a lost lease, and how long that took.
    const row = await eventLogRow(jobId);
    expect([row.starts, row.retries, row.duplicate_executions, row.stalls].map(Number)).toEqual([2, 0, 1, 1]);
    expect(row.recover_ms).toBeGreaterThan(500);
    expect(row.recover_ms).toBeLessThan(recoveryMs + 1000);
    // The survivor's own metrics (`cogo worker --metrics-port`): it detected the stall and ran the recovery.
    const metricsUrl = /METRICS (\S+)/.exec(survivor.output())![1]!;
    const samples = parsePrometheus(await (await fetch(metricsUrl)).text());
    expect(sampleValue(samples, 'cogo_job_stalls_total', { type: 'execute' })).toBe(1);
    expect(sampleValue(samples, 'cogo_job_recoveries_total', { type: 'execute' })).toBe(1);
    expect(sampleValue(samples, 'cogo_job_duration_seconds_count', { type: 'execute', outcome: 'completed' })).toBe(1);
    await survivor.stop();
  });

  it('a run whose lock is taken away mid-job writes nothing more: the record keeps the winner, one terminal event (issue 8)', async () => {
    const [a, b] = await Promise.all([platform.spawnWorker('fence-a'), platform.spawnWorker('fence-b')]);
    // The first run's process stalls for 4 s in step 2 (no lock renewal, no timers), and the test takes its lock
    // away meanwhile: the stalled checker gives the job to another run while the first one is still alive and,
    // when its loop runs again, goes straight on writing.
    const jobId = await enqueue({ steps: 8, stepMs: 200, blockAtStep: 2, blockMs: 4000 });
    await waitUntil(async () => (await events(jobId)).find((e) => e.type === 'execute.progress' && (e.data as { step: number }).step >= 1));
    const stalledFrom = Date.now();
    const first = (await events(jobId)).find((e) => e.type === 'meta' && e.data.phase === 'started')!;
    await new Promise((resolve) => setTimeout(resolve, 700));
    await platform.runtime.redis.del(`${platform.runtime.keyPrefix}:execute:${jobId}:lock`);
    await untilLastEvent(jobId, 'execute.done', 30_000);
    // The second run may finish before the first one's loop runs again: look once the first run is awake again.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, stalledFrom + 4000 + 2000 - Date.now())));
    const all = await events(jobId);
    expect(all.at(-1)!.type).toBe('execute.done');
    const starts = all.filter((e) => e.type === 'meta' && e.data.phase === 'started');
    expect(starts.length).toBe(2);
    const terminal = all.filter((e) => /\.done$|^job\.(dead|cancelled)$/.test(e.type));
    expect(terminal).toHaveLength(1);
    // Without fencing the first run goes on publishing steps the second run publishes again.
    const steps = all.filter((e) => e.type === 'execute.progress').map((e) => (e.data as { step: number }).step);
    expect(new Set(steps).size).toBe(steps.length);
    expect(steps.at(-1)).toBe(8);
    // …and in order: the first run's last step comes before the second run's first.
    expect(steps.every((step, i) => i === 0 || step > steps[i - 1]!)).toBe(true);
    const result = terminal[0]!.data.result as { runs: number; resumedFrom: number };
    expect(result.runs).toBe(2);
    expect(result.resumedFrom).toBeGreaterThan(1);
    const record = await read(jobId);
    expect(record.status).toBe('completed');
    expect(record.result).toMatchObject({ runs: 2, resumedFrom: result.resumedFrom });
    expect(record.workerId).toBe(starts[1]!.data.workerId);
    expect(first.data.workerId).toBeDefined();
    const row = await eventLogRow(jobId);
    expect(Number(row.duplicate_executions)).toBe(1);
    await Promise.all([a.stop(), b.stop()]);
  });

  it('retries with backoff, dead-letters after the last attempt, and a requeue then completes', async () => {
    const worker = await platform.spawnWorker('retry-w');
    const jobId = await enqueue({ failRuns: 3, failCode: 'UPSTREAM_UNAVAILABLE' });
    const list = await untilLastEvent(jobId, 'job.dead', 20_000);
    const dead = await read(jobId);
    expect(dead.status).toBe('dead');
    expect(dead.attempts).toBe(3);
    expect(dead.error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', retryable: true });
    const retrying = list.filter((e) => e.type === 'job.retrying');
    expect(retrying).toHaveLength(2);
    // Exponential backoff with 50 % jitter on a 1 s base: the first wait is in [0.5 s, 1 s), the second in
    // [1 s, 2 s), plus the time to fail and to promote the delayed job (allowed up to 2 s on a busy machine).
    const starts = list.filter((e) => e.type === 'meta' && e.data.phase === 'started').map((e) => Date.parse(e.ts));
    expect(starts).toHaveLength(3);
    const [first, second] = [starts[1]! - starts[0]!, starts[2]! - starts[1]!];
    expect(first).toBeGreaterThanOrEqual(500);
    expect(first).toBeLessThan(3000);
    expect(second).toBeGreaterThanOrEqual(1000);
    expect(second).toBeLessThan(4000);

    const letters = (await platform.graphql<{ deadLetters: { id: string; error: { code: string } }[] }>('{ deadLetters { id error { code } } }')).data!
      .deadLetters;
    expect(letters.map((l) => l.id)).toContain(jobId);

    const requeued = await platform.graphql<{ requeueDeadLetter: { status: string } }>('mutation($id: ID!) { requeueDeadLetter(id: $id) { status } }', {
      id: jobId,
    });
    expect(['queued', 'active', 'completed']).toContain(requeued.data!.requeueDeadLetter.status);
    const completed = await untilStatus(jobId, 'completed', 20_000);
    expect(completed.result).toMatchObject({ runs: 4 });
    const after = (await platform.graphql<{ deadLetters: { id: string }[] }>('{ deadLetters { id } }')).data!.deadLetters;
    expect(after.map((l) => l.id)).not.toContain(jobId);
    // A subscriber from the start sees both runs: the stream ends at the last terminal event, not the first.
    const streamed: string[] = [];
    for await (const event of platform.runtime.events.subscribe({ kind: 'job', jobId })) streamed.push(event.type);
    expect(streamed.filter((t) => t === 'job.dead')).toHaveLength(1);
    expect(streamed.at(-1)).toBe('execute.done');
    // Four runs, each after a retry or the requeue: none of them counts as a duplicate execution.
    const row = await eventLogRow(jobId);
    expect([row.starts, row.retries, row.duplicate_executions].map(Number)).toEqual([4, 2, 0]);
    await worker.stop();
  });

  it('does not retry an error that is not retryable: the job fails at once', async () => {
    const worker = await platform.spawnWorker('fail-w');
    const jobId = await enqueue({ failRuns: 5, failCode: 'BAD_INPUT' });
    const failed = await untilStatus(jobId, 'failed', 10_000);
    expect(failed.attempts).toBe(1);
    expect(failed.error?.code).toBe('BAD_INPUT');
    await worker.stop();
  });

  it('runs a job requeued the moment its record says failed, before its worker has released it', async () => {
    const worker = await platform.spawnWorker('requeue-w');
    const ids = await Promise.all(Array.from({ length: 12 }, () => enqueue({ failRuns: 1, failCode: 'BAD_INPUT' })));
    const principal = platform.principal;
    await Promise.all(
      ids.map(async (id) => {
        // Straight from the graph, polled tightly: the worker writes `failed` there before BullMQ moves the job.
        await waitUntil(async () => (await platform.runtime.lineage.get(id, platform.tenant))?.status === 'failed', 10_000, 2);
        await platform.runtime.jobs.retry(id, principal, true);
      }),
    );
    const results = await Promise.all(ids.map(async (id) => (await untilStatus(id, 'completed', 10_000)).result));
    expect(results.map((r) => r?.runs)).toEqual(ids.map(() => 2));
    await worker.stop();
  });

  it('cancels a running job: the processor sees the abort and the job ends cancelled', async () => {
    const worker = await platform.spawnWorker('cancel-w');
    const jobId = await enqueue({ steps: 100, stepMs: 100 });
    // Cancel once the processor is inside its work, so that it is the processor that sees the abort.
    await waitUntil(async () => (await events(jobId)).some((e) => e.type === 'execute.progress'));
    const cancelled = await platform.graphql<{ cancelJob: { status: string } }>('mutation($id: ID!) { cancelJob(id: $id) { status } }', { id: jobId });
    expect(cancelled.errors).toBeUndefined();
    const list = await untilLastEvent(jobId, 'job.cancelled', 10_000);
    expect((await read(jobId)).status).toBe('cancelled');
    expect(await platform.runtime.redis.get(`${platform.runtime.keyPrefix}:test:aborted:${jobId}`)).toBe('cancelled');
    expect(list.filter((e) => e.type === 'execute.progress').length).toBeLessThan(100);
    const again = await platform.graphql('mutation($id: ID!) { cancelJob(id: $id) { status } }', { id: jobId });
    expect(again.errors?.[0]?.extensions.code).toBe('BAD_INPUT');
    await worker.stop();
  });

  it('cancels a queued job before any worker takes it', async () => {
    const jobId = await enqueue({ steps: 1 });
    const { data } = await platform.graphql<{ cancelJob: { status: string } }>('mutation($id: ID!) { cancelJob(id: $id) { status } }', { id: jobId });
    expect(data!.cancelJob.status).toBe('cancelled');
    expect(await platform.runtime.queues.execute.getJob(jobId)).toBeUndefined();
  });

  it('drains on SIGTERM: a running job finishes before the worker exits 0', async () => {
    const worker = await platform.spawnWorker('drain-w');
    const jobId = await enqueue({ steps: 5, stepMs: 200 });
    await waitUntil(async () => (await read(jobId)).status === 'active');
    const code = await worker.stop('SIGTERM');
    expect(code).toBe(0);
    expect((await read(jobId)).status).toBe('completed');
  });
});
