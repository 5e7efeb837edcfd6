import type { Redis } from 'ioredis';
import type { AuditLog } from '../../src/audit/audit-log.js';
import { hasScope } from '../../src/auth/principal.js';
import { AppError, isAppError, toAppError } from '../../src/errors.js';
import { withRetry } from '../../src/policies/retry.js';
import type { JobContext, Processor } from '../../src/queue/job-context.js';
import type { ActionContext } from './action.js';
import { planFlow, stepScopes, stepsOf, type StepPlan, type StoredFlow } from './flow.js';
import { compensationKey, ledgerKey, type ActionLedger, type LedgerRow } from './ledger.js';
import { createActionLimits } from './rate-limits.js';
import { resolveRefs } from './refs.js';
import type { ActionRegistry } from './registry.js';
import { currentScopes, requireStepScopes, type Credentials } from './run-as.js';

export interface ExecuteDeps {
  registry: ActionRegistry;
  ledger: ActionLedger;
  /** The API keys, read again before each step (revocation stops the flow). */
  keys: Credentials;
  redis: Redis;
  keyPrefix: string;
  audit: AuditLog;
  rateLimits: Parameters<typeof planFlow>[3];
  /** Tries of one step (or compensation) within a run before it has failed for good; retryable errors only. */
  stepAttempts?: number;
}

export interface StepReport {
  name: string;
  action: string;
  status: 'succeeded' | 'skipped-as-done' | 'failed' | 'compensated' | 'compensation_failed' | 'irreversible' | 'not-run';
  attempts: number;
  error?: { code: string; message: string };
}

const MAX_RESULT_OUTPUT_BYTES = 64 * 1024;
const wireOf = (error: AppError) => ({ code: error.code, message: error.message });

/**
 * An execute job: the flow's steps in order, each recorded in the action ledger before and after it runs, so a
 * re-run after a crash skips what succeeded (reusing its output) and repeats an interrupted step with the same
 * Idempotency-Key. A step that fails for good runs the compensations of the steps before it in reverse order,
 * each ledgered and retried, and the job fails with the account (docs/execute.md).
 */
export function createExecuteProcessor(deps: ExecuteDeps): Processor<StoredFlow> {
  const limit = createActionLimits(deps.redis, deps.keyPrefix);
  const attempts = deps.stepAttempts ?? 3;

  return async (ctx: JobContext<StoredFlow>) => {
    const flow = ctx.input;
    const steps = stepsOf(flow);
    // Checked at enqueue already; again here, as the registry or the rate policies may have changed since.
    const plan = planFlow(deps.registry, steps, { scopes: ['*'] }, deps.rateLimits);
    const of = steps.length;
    if (flow.dryRun) {
      const scopes = await currentScopes(deps.keys, flow.runAs);
      const checks = plan.map((p) => ({ step: p.name, scopes: p.scopes, held: p.scopes.every((s) => hasScope({ scopes }, s)) }));
      return { dryRun: true, ran: 0, plan, checks };
    }
    const audit = (step: StepPlan, what: 'execute' | 'compensate', error?: AppError) =>
      deps.audit.push({
        tenant: ctx.tenant,
        principal: flow.runAs.id,
        action: `${what}.${step.action}`,
        target: `${ctx.jobId}/${step.name}`,
        traceId: ctx.traceId,
        outcome: error ? 'refused' : 'accepted',
        errorCode: error?.code ?? null,
        details: { step: step.name, key: ledgerKey(ctx.jobId, step.name) },
        ts: new Date().toISOString(),
      });
    const progress = (index: number, phase: string, data: Record<string, unknown> = {}) =>
      ctx.progress({ step: plan[index]?.name, action: plan[index]?.action, index, of, phase, ...data });
    const actionContext = (step: StepPlan, key: string, runKey: string, scopes: readonly string[]): ActionContext => ({
      jobId: ctx.jobId,
      tenant: ctx.tenant,
      traceId: ctx.traceId,
      step: step.name,
      idempotencyKey: key,
      runKey,
      signal: ctx.signal,
      principal: { id: flow.runAs.id, tenant: flow.runAs.tenant, scopes },
    });
    // Retryable failures are tried again here (backoff); the job's own retry is for crashes and lost leases.
    const tried = <T>(work: () => Promise<T>) => withRetry(work, { maxAttempts: attempts, baseDelayMs: 200, maxDelayMs: 5000, signal: ctx.signal });

    const rows = new Map((await deps.ledger.list(ctx.jobId)).map((r) => [r.step, r]));
    const outputs = new Map<string, unknown>();
    const reports: StepReport[] = plan.map((p) => ({ name: p.name, action: p.action, status: 'not-run', attempts: 0 }));
    let failed = [...rows.values()].find((r) => r.status === 'failed');

    for (const [index, step] of plan.entries()) {
      if (failed) break;
      const key = ledgerKey(ctx.jobId, step.name);
      const row = rows.get(step.name);
      if (row?.status === 'succeeded') {
        outputs.set(step.name, row.output);
        reports[index] = { ...reports[index]!, status: 'skipped-as-done', attempts: row.attempts };
        await progress(index, 'skipped-as-done');
        continue;
      }
      // Before each step: the credential as it stands now. A revoked key stops the flow here, undoing nothing.
      const scopes = await currentScopes(deps.keys, flow.runAs);
      const action = deps.registry.get(step.action)!;
      let input: unknown;
      let failure: AppError | undefined;
      try {
        input = action.input.parse(resolveRefs(steps[index]!.input, outputs));
      } catch (error) {
        failure = isAppError(error)
          ? error
          : new AppError('BAD_INPUT', `step "${step.name}": ${(error as Error).message}`, { via: 'execute', retryable: false });
      }
      if (!failure) requireStepScopes(scopes, stepScopes(action, input), step.name);
      await ctx.assertLease();
      if (
        !(await deps.ledger.start({ key, jobId: ctx.jobId, step: step.name, position: index, tenant: ctx.tenant, action: step.action, input: input ?? null }))
      ) {
        throw new AppError('UPSTREAM_UNAVAILABLE', `step "${step.name}" was settled by another run of this job meanwhile; run again`, { via: 'execute' });
      }
      await progress(index, 'started', { attempt: (row?.attempts ?? 0) + 1 });
      let output: unknown;
      if (!failure) {
        try {
          action.precheck?.(input as Record<string, unknown>);
          await limit(ctx.tenant, step, ctx.signal);
          const context = actionContext(step, key, key, scopes);
          output = (await tried(() => action.run(input as never, context))).output;
        } catch (error) {
          if (ctx.signal.aborted) throw ctx.signal.reason;
          failure = toAppError(error, 'execute');
        }
      }
      if (failure) {
        await deps.ledger.fail(key, wireOf(failure));
        audit(step, 'execute', failure);
        reports[index] = { ...reports[index]!, status: 'failed', attempts: (row?.attempts ?? 0) + 1, error: wireOf(failure) };
        await progress(index, 'failed', { error: wireOf(failure) });
        failed = {
          key,
          step: step.name,
          position: index,
          action: step.action,
          status: 'failed',
          attempts: 0,
          compensationAttempts: 0,
          input,
          output: null,
          error: wireOf(failure),
        };
        break;
      }
      await deps.ledger.succeed(key, output ?? null);
      audit(step, 'execute');
      outputs.set(step.name, output);
      reports[index] = { ...reports[index]!, status: 'succeeded', attempts: (row?.attempts ?? 0) + 1 };
      await progress(index, 'succeeded');
    }

    if (!failed) {
      // The outputs ride on the job's result (its graph record and `execute.done`) while small; the ledger has them all.
      const all = Object.fromEntries(outputs);
      const small = Buffer.byteLength(JSON.stringify(all)) <= MAX_RESULT_OUTPUT_BYTES;
      return { ok: true, steps: reports, ...(small ? { outputs: all } : { outputsOmitted: 'larger than 64 KiB: read them from action_ledger' }) };
    }
    return compensate(failed);

    /** The steps before the failed one, last first: each compensation ledgered, retried, audited. */
    async function compensate(failedRow: LedgerRow): Promise<never> {
      const ledger = new Map((await deps.ledger.list(ctx.jobId)).map((r) => [r.step, r]));
      const scopes = flow.runAs.scopes;
      for (let index = failedRow.position - 1; index >= 0; index--) {
        const step = plan[index]!;
        const row = ledger.get(step.name);
        if (!row) continue;
        const report = reports[index]!;
        report.attempts = Math.max(report.attempts, row.attempts);
        if (row.status === 'compensated') {
          report.status = 'compensated';
          continue;
        }
        const action = deps.registry.get(step.action)!;
        if (!action.compensate) {
          report.status = 'irreversible';
          continue;
        }
        await ctx.assertLease();
        await deps.ledger.startCompensation(row.key);
        await progress(index, 'compensating');
        try {
          const context = actionContext(step, compensationKey(row.key), row.key, scopes);
          const result = await tried(() => action.compensate!(row.input as never, row.output as never, context));
          if (result === 'irreversible') {
            await deps.ledger.compensationFailed(row.key, { code: 'BAD_INPUT', message: 'this step declared no compensation' });
            report.status = 'irreversible';
            continue;
          }
        } catch (error) {
          if (ctx.signal.aborted) throw ctx.signal.reason;
          const problem = toAppError(error, 'execute');
          await deps.ledger.compensationFailed(row.key, wireOf(problem));
          audit(step, 'compensate', problem);
          Object.assign(report, { status: 'compensation_failed', error: wireOf(problem) });
          await progress(index, 'compensation_failed', { error: wireOf(problem) });
          continue;
        }
        await deps.ledger.compensated(row.key);
        audit(step, 'compensate');
        report.status = 'compensated';
        await progress(index, 'compensated');
      }
      const failedReport = reports[failedRow.position]!;
      Object.assign(failedReport, { status: 'failed', error: failedRow.error ?? undefined });
      const undone = reports.filter((r) => r.status === 'compensated').map((r) => r.name);
      const notUndone = reports.filter((r) => r.status === 'irreversible' || r.status === 'compensation_failed').map((r) => r.name);
      await ctx.progress({ phase: 'flow-failed', failedStep: failedRow.step, undone, notUndone, steps: reports });
      const cause = failedRow.error ?? { code: 'INTERNAL', message: 'unknown' };
      throw new AppError(
        (cause.code as AppError['code']) ?? 'INTERNAL',
        `step "${failedRow.step}" failed for good (${cause.message}); undone: ${undone.join(', ') || 'nothing'}; not undone: ${notUndone.join(', ') || 'nothing'}`,
        { via: 'execute', retryable: false, details: { steps: reports, undone, notUndone } },
      );
    }
  };
}
