/**
 * What the call policies (rate limit, circuit breaker, retry, deadline) need from their caller. Generic: the
 * research sources use them today, and any adapter that calls a remote service may.
 */

/** Takes one token of a shared budget, waiting as long as needed (or until `signal` aborts). */
export interface RateLimiter {
  acquire(signal?: AbortSignal): Promise<void>;
}

export interface PolicyLogger {
  debug(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export type PolicyEventType = 'source.breaker-open' | 'source.breaker-closed' | 'source.retry';

/** What a policy reports about the upstream it guards (the research agent forwards these as job events). */
export interface PolicyEvent {
  type: PolicyEventType;
  source: string;
  data: Record<string, unknown>;
}

/** Where a policy reports: both optional, a policy works without an audience. */
export interface PolicyObserver {
  logger?: PolicyLogger;
  onEvent?: (event: PolicyEvent) => void;
}
