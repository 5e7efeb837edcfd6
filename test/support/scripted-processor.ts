import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { AppError, type ErrorCode } from '../../src/errors.js';
import type { JobLineage } from '../../src/graph/job-lineage.js';
import type { Processor } from '../../src/queue/job-context.js';

/**
 * A processor whose behaviour the test chooses through the job's params: how many steps, how long each, how
 * many runs fail first. Its one side effect goes through a ledger (SET NX), as real agents' effects do, so the
 * tests can count how many times it was applied.
 */
export interface ScriptParams {
  steps?: number;
  stepMs?: number;
  failRuns?: number;
  failCode?: ErrorCode;
  /** The first run blocks its event loop this long after the sleep of step `blockAtStep` (a stalled process). */
  blockMs?: number;
  blockAtStep?: number;
}

export function scriptedProcessor(redis: Redis, keyPrefix: string, lineage: JobLineage): Processor<{ action: string; params: ScriptParams }> {
  return async (ctx) => {
    // The benchmark's no-op job: measures the platform, not the processor.
    if (ctx.input.action === 'noop') return {};
    // What agents rely on when they attach their output to their (:Job) node: it exists from their first moment.
    if (ctx.input.action === 'read-record') return { recorded: (await lineage.get(ctx.jobId, ctx.tenant))?.id === ctx.jobId };
    const { steps = 1, stepMs = 0, failRuns = 0, failCode = 'UPSTREAM_UNAVAILABLE', blockMs = 0, blockAtStep = 0 } = ctx.input.params;
    const key = (name: string) => `${keyPrefix}:test:${name}:${ctx.jobId}`;
    const runs = await redis.incr(key('runs'));
    await redis.expire(key('runs'), 3600);
    const from = ((await ctx.checkpoint.get<{ step: number }>())?.step ?? 0) + 1;
    for (let step = from; step <= steps; step++) {
      try {
        await sleep(stepMs, undefined, { signal: ctx.signal });
      } catch (error) {
        await redis.set(key('aborted'), String(ctx.signal.reason), 'EX', 3600);
        throw error;
      }
      if (step === blockAtStep && runs === 1) {
        // Synchronous on purpose: no timer, lock renewal or abort can run until it ends, as under CPU-heavy work.
        const until = Date.now() + blockMs;
        while (Date.now() < until);
      }
      await ctx.progress({ step, of: steps });
      await ctx.checkpoint.set({ step });
    }
    if (runs <= failRuns) throw new AppError(failCode, `scripted failure on run ${runs}`, { via: 'test' });
    if (await redis.set(key('effect'), ctx.workerId, 'EX', 3600, 'NX')) await redis.incr(`${keyPrefix}:test:effects`);
    return { steps, runs, resumedFrom: from };
  };
}
