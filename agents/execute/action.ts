import type { z } from 'zod';

/** What an action may do while it runs: everything it touches is passed in, nothing is constructed. */
export interface ActionContext {
  jobId: string;
  tenant: string;
  traceId: string;
  /** The step's name in its flow. */
  step: string;
  /**
   * Derived from the ledger key (job, step, and whether this is the compensation): the same on every attempt and
   * after every crash, so a receiver that honours it applies the effect once. Sent as `Idempotency-Key`.
   */
  idempotencyKey: string;
  /** The step run's key (equal to `idempotencyKey` while running; what a compensation finds the run's effects by). */
  runKey: string;
  signal: AbortSignal;
  /** Who the flow runs for: the enqueuer's credential, checked again before every step. */
  principal: { id: string; tenant: string; scopes: readonly string[] };
}

/** A per-tenant token bucket of an action: `delay` waits for a token, `refuse` fails the step with RATE_LIMITED. */
export interface RateLimitPolicy {
  perSec: number;
  burst?: number;
  onLimit?: 'delay' | 'refuse';
}

/** What an action's run returns: its output (what later steps may reference) and the graph nodes it created. */
export interface ActionResult<Output> {
  output: Output;
  /** `(:Job)-[:PRODUCED]->` these, by label and id (the action has written them already). */
  produced?: { label: string; id: string }[];
}

/**
 * One action (docs/execute.md): adding one is one file in `actions/` and a line in `registry.ts`. `run` must be
 * safe to call again with the same `ctx.idempotencyKey` (a worker may die after the effect and before the ledger
 * records it); so must `compensate`, which undoes a run that succeeded. An action without `compensate` cannot be
 * undone: a failed flow reports it as such.
 */
export interface Action<Input = unknown, Output = unknown> {
  name: string;
  description: string;
  input: z.ZodType<Input>;
  /** Scopes the caller needs besides `execute:<name>` (e.g. `graph:write`), given the validated input. */
  scopes?: (input: Input) => string[];
  rateLimit: RateLimitPolicy;
  /**
   * Checks of the input against this service's policy made at enqueue as well as at run time (an HTTP host on the
   * allow-list). Gets the input as given: a field may still be a `{"$ref"}` there, which the check skips.
   */
  precheck?(input: Record<string, unknown>): void;
  run(input: Input, ctx: ActionContext): Promise<ActionResult<Output>>;
  /** `irreversible` when this run has nothing that undoes it (a request declared without `compensate`). */
  compensate?(input: Input, output: Output, ctx: ActionContext): Promise<'undone' | 'irreversible'>;
}

/** The registry's element type: an action with its types erased (inputs are validated by `input` at run time). */
export type AnyAction = Action<never, unknown> & { input: z.ZodType; scopes?: (input: never) => string[] };

/** Keeps an action's types while it is declared, and erases them for the registry. */
export function defineAction<Input, Output>(action: Action<Input, Output>): AnyAction {
  return action as unknown as AnyAction;
}
