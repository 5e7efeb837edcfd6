import { TIERS, type Tier } from '../config/llm.js';
import { AppError } from '../errors.js';
import { abortableSleep, backoffDelay } from '../policies/retry.js';
import type { ChatResult } from './client.js';
import { failureKindOf, paidCostOf, type FailureKind } from './errors.js';

/** One model call of an escalation chain, as stored on `(:ModelCall)` and reported to the caller. */
export interface Attempt {
  /** `judge` = a grounding judge's call on an answer (src/llm/grounding-judge.ts); absent = an answer attempt. */
  purpose?: 'judge';
  tier: Tier;
  model: string;
  ok: boolean;
  /** Why this attempt was not accepted (and the next tier was called). */
  failure: FailureKind | undefined;
  detail: string | undefined;
  /** The tier of the attempt before, when this one is an escalation. */
  escalatedFrom: Tier | undefined;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
  latencyMs: number;
  retries: number;
}

export interface EscalationResult<T> {
  value: T | undefined;
  tier: Tier;
  attempts: Attempt[];
  costUsd: number;
}

export interface Verification {
  problem?: { failure: FailureKind; detail: string } | undefined;
  calls?: Attempt[];
}

/** The answer attempts of a chain, without the checks' own calls: what the tiers climb over. */
export const answerAttempts = (attempts: Attempt[]) => attempts.filter((a) => a.purpose !== 'judge');

export interface EscalationOptions<T> {
  start: Tier;
  /** How many tiers up it may go after the first attempt. */
  maxEscalations: number;
  model: (tier: Tier) => string;
  /** Calls one tier; may throw (an error attempt), and returns its value with the call's metrics. */
  call: (tier: Tier) => Promise<{ value: T; result: ChatResult<unknown> }>;
  /**
   * A check of an answer that came back (grounding): a problem escalates like a failure. `calls` are model calls
   * the check made (a grounding judge): recorded after the attempt they checked, paid like it, never escalated.
   */
  verify?: (value: T) => Promise<Verification> | Verification;
  /** First pause before an escalation; doubles with full jitter (ingest/sources/policies/retry.ts). */
  backoffMs?: number;
  signal?: AbortSignal;
  /**
   * Attempts a run that died already finished (and the last value one returned): they are not made again, the
   * chain goes on one tier above the last of them. Only ever a state `onEscalate` reported.
   */
  resume?: { attempts: Attempt[]; value: T | undefined };
  /** Hears each finished attempt that escalates, before the next tier is called: the state to checkpoint. */
  onEscalate?: (state: { attempts: Attempt[]; value: T | undefined }) => Promise<void>;
}

/**
 * Calls `start`, and on a schema failure, an unverified answer or an error calls one tier up, after a backoff,
 * at most `maxEscalations` times. Every attempt is recorded with why it did not stand. When the last tier still
 * fails, the last value that came back (if any) is returned with its failure recorded, else the last error is thrown.
 */
export async function runWithEscalation<T>(options: EscalationOptions<T>): Promise<EscalationResult<T>> {
  const attempts: Attempt[] = [...(options.resume?.attempts ?? [])];
  const resumedAt = answerAttempts(attempts).at(-1);
  let tier = resumedAt ? (TIERS[TIERS.indexOf(resumedAt.tier) + 1] ?? resumedAt.tier) : options.start;
  let lastValue: T | undefined = options.resume?.value;
  let lastError: unknown;
  for (let n = answerAttempts(attempts).length; ; n++) {
    const escalatedFrom = answerAttempts(attempts).at(-1)?.tier;
    const started = performance.now();
    let attempt: Attempt;
    let checks: Attempt[] = [];
    try {
      const { value, result } = await options.call(tier);
      const { problem, calls = [] } = (await options.verify?.(value)) ?? {};
      checks = calls;
      lastValue = value;
      attempt = {
        tier,
        model: result.model,
        ok: !problem,
        failure: problem?.failure,
        detail: problem?.detail,
        escalatedFrom,
        tokensIn: result.usage.inputTokens,
        tokensOut: result.usage.outputTokens,
        costUsd: result.costUsd,
        latencyMs: result.latencyMs,
        retries: result.retries,
      };
    } catch (error) {
      if (options.signal?.aborted) throw error;
      lastError = error;
      attempt = {
        tier,
        model: options.model(tier),
        ok: false,
        failure: failureKindOf(error),
        detail: error instanceof Error ? error.message : String(error),
        escalatedFrom,
        tokensIn: 0,
        tokensOut: 0,
        costUsd: paidCostOf(error),
        latencyMs: performance.now() - started,
        retries: 0,
      };
    }
    attempts.push(attempt, ...checks);
    const costUsd = attempts.reduce((sum, a) => sum + a.costUsd, 0);
    if (attempt.ok) return { value: lastValue, tier, attempts, costUsd };
    const next = TIERS[TIERS.indexOf(tier) + 1];
    if (n >= options.maxEscalations || !next) {
      if (lastValue !== undefined) return { value: lastValue, tier, attempts, costUsd };
      throw lastError instanceof Error ? lastError : new AppError('UPSTREAM_UNAVAILABLE', 'every model tier failed', { via: 'llm', details: { attempts } });
    }
    await options.onEscalate?.({ attempts: [...attempts], value: lastValue });
    await abortableSleep(backoffDelay(n + 1, { baseDelayMs: options.backoffMs ?? 250, maxDelayMs: 5_000 }), options.signal);
    tier = next;
  }
}
