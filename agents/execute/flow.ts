import { AppError, isAppError } from '../../src/errors.js';
import { hasScope } from '../../src/auth/principal.js';
import type { Enqueuer } from '../../src/queue/input-checks.js';
import type { JobInput } from '../../src/queue/job-inputs.js';
import type { AnyAction } from './action.js';
import type { ActionRegistry } from './registry.js';
import { findRefs, type Ref } from './refs.js';

export interface FlowStep {
  name: string;
  action: string;
  input: Record<string, unknown>;
}

/**
 * What the control plane enqueues and the processor reads: the flow as given (one-action form or steps), and
 * who it runs for. The input keeps its given form so the job's record reads as the caller wrote it.
 */
export type StoredFlow = JobInput<'execute'> & {
  /** The enqueuer's credential: its id is looked up again before each step (revoked → the flow stops). */
  runAs: { id: string; tenant: string; scopes: string[] };
};

export interface StepPlan {
  name: string;
  action: string;
  /** The steps whose output this one reads. */
  after: string[];
  scopes: string[];
  compensable: boolean;
  rateLimit: { perSec: number; burst: number; onLimit: 'delay' | 'refuse' };
}

/** The one-action form (`action` + `params`) is a flow of one step named after its action. */
export function stepsOf(input: JobInput<'execute'>): FlowStep[] {
  if (input.steps) return input.steps.map((s) => ({ name: s.name, action: s.action, input: s.input ?? {} }));
  return [{ name: (input.action ?? '').replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 64), action: input.action ?? '', input: input.params ?? {} }];
}

/** Scopes a step needs: `execute:<action>` and whatever the action asks of its input. */
export function stepScopes(action: AnyAction, input: unknown): string[] {
  let extra: string[] = [];
  try {
    extra = action.scopes?.(input as never) ?? [];
  } catch {
    // An input the action cannot read yet (a reference still unresolved) asks for nothing more here; run time asks again.
  }
  return [`execute:${action.name}`, ...extra];
}

/**
 * Checks a whole flow before anything is enqueued: every action known, every input valid for its action (a
 * `$ref` stands for a value not known yet and must name an earlier step), every scope held. Throws BAD_INPUT
 * listing every problem, or FORBIDDEN naming the first missing scope; returns the plan.
 */
export function planFlow(
  registry: ActionRegistry,
  steps: FlowStep[],
  enqueuer: Pick<Enqueuer, 'scopes'>,
  rateLimits: Record<string, { perSec: number; burst?: number; onLimit?: 'delay' | 'refuse' }>,
): StepPlan[] {
  const problems: string[] = [];
  // A flow that is malformed is BAD_INPUT first; then what this service or the caller may not do is FORBIDDEN.
  const refusals: AppError[] = [];
  const plan: StepPlan[] = [];
  const earlier = new Set<string>();
  for (const step of steps) {
    const where = `steps.${step.name}`;
    const action = registry.get(step.action);
    if (!action) {
      problems.push(`${where}: unknown action "${step.action}" (known: ${[...registry.keys()].join(', ')})`);
      earlier.add(step.name);
      continue;
    }
    let refs: Ref[] = [];
    try {
      refs = findRefs(step.input);
    } catch (error) {
      problems.push(`${where}.input.${(error as Error).message}`);
    }
    for (const ref of refs) {
      if (!earlier.has(ref.step)) problems.push(`${where}.input.${ref.at.join('.')}: "${ref.step}" is not an earlier step of this flow`);
    }
    problems.push(...inputProblems(action, step.input, refs).map((p) => `${where}.input${p}`));
    try {
      action.precheck?.(step.input);
    } catch (error) {
      if (isAppError(error) && error.code === 'FORBIDDEN') refusals.push(error);
      else problems.push(`${where}: ${(error as Error).message}`);
    }
    const policy = { ...action.rateLimit, ...rateLimits[action.name] };
    plan.push({
      name: step.name,
      action: action.name,
      after: [...new Set(refs.map((r) => r.step))],
      scopes: stepScopes(action, step.input),
      compensable: action.compensate !== undefined,
      rateLimit: { perSec: policy.perSec, burst: policy.burst ?? 1, onLimit: policy.onLimit ?? 'delay' },
    });
    earlier.add(step.name);
  }
  if (problems.length) throw new AppError('BAD_INPUT', `invalid execute flow: ${problems.join('; ')}`, { via: 'execute', details: { problems } });
  if (refusals[0]) throw refusals[0];
  for (const step of plan) {
    const missing = step.scopes.find((scope) => !hasScope({ scopes: enqueuer.scopes ?? [] }, scope));
    if (missing) throw new AppError('FORBIDDEN', `step "${step.name}" (${step.action}) needs the scope "${missing}"`, { via: 'auth' });
  }
  return plan;
}

/** The action's schema problems, except where a reference stands (its value is only known at run time). */
function inputProblems(action: AnyAction, input: unknown, refs: Ref[]): string[] {
  const parsed = action.input.safeParse(input);
  if (parsed.success) return [];
  const underRef = (path: PropertyKey[]) => refs.some((r) => r.at.every((key, i) => String(path[i]) === String(key)));
  return parsed.error.issues
    .filter((issue) => !underRef(issue.path))
    .map((issue) => `${issue.path.length ? `.${issue.path.join('.')}` : ''}: ${issue.message}`);
}

/** The control plane's check of an execute job (src/queue/input-checks.ts): the stored flow, or a refusal. */
export function createExecuteCheck(registry: ActionRegistry, rateLimits: Parameters<typeof planFlow>[3]) {
  return async (input: JobInput<'execute'>, enqueuer: Enqueuer): Promise<StoredFlow> => {
    planFlow(registry, stepsOf(input), enqueuer, rateLimits);
    return { ...input, runAs: { id: enqueuer.id, tenant: enqueuer.tenant, scopes: [...(enqueuer.scopes ?? [])] } };
  };
}
