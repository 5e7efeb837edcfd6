import pLimit, { type LimitFunction } from 'p-limit';
import type { CircuitBreaker } from '../../src/policies/circuit-breaker.js';
import { createDeadline } from '../../src/policies/deadline.js';
import { withRetry, type RetryOptions } from '../../src/policies/retry.js';
import type { SourceAdapter, SourceContext } from './types.js';

export interface SourcePolicies {
  /** Shared across workers (Redis); omit to run without one. */
  breaker?: CircuitBreaker;
  retry?: RetryOptions;
  /** In-flight calls of this source in this process (p-limit). Rate across processes is `ctx.limiter`'s job. */
  concurrency?: number;
  /** Cap for one attempt (search or fetch), on top of the adapter's own per-request timeout. */
  attemptTimeoutMs?: number;
}

/**
 * Wraps an adapter with the per-source policies, outermost first: concurrency cap → circuit breaker → retries
 * → per-attempt deadline. The breaker sees one outcome per logical call (after retries), so N failures means
 * N calls that each exhausted their retries, and an open circuit stops the retries of everyone at once.
 */
export function withPolicies(adapter: SourceAdapter, policies: SourcePolicies = {}): SourceAdapter & { limit: LimitFunction } {
  const { breaker, retry = {}, concurrency = 4, attemptTimeoutMs = 60_000 } = policies;
  const limit = pLimit(concurrency);
  const source = adapter.name;

  function guarded<T>(op: 'search' | 'fetch', ctx: SourceContext, call: (ctx: SourceContext) => Promise<T>): Promise<T> {
    const attempts = () =>
      withRetry(
        async () => {
          const deadline = createDeadline(ctx.signal, attemptTimeoutMs, `${source} ${op}`, source);
          try {
            return await call({ ...ctx, signal: deadline.signal });
          } catch (error) {
            throw deadline.translate(error);
          }
        },
        {
          ...retry,
          signal: ctx.signal,
          onRetry: ({ attempt, delayMs, error }) => {
            const code = (error as { code?: unknown }).code;
            ctx.logger?.debug({ source, op, attempt, delayMs, code }, 'retrying source call');
            ctx.onEvent?.({ type: 'source.retry', source, data: { op, attempt, delayMs, code } });
          },
        },
      );
    return limit(() => (breaker ? breaker.run(attempts, ctx) : attempts()));
  }

  return {
    name: source,
    limit,
    search: (query, ctx) => guarded('search', ctx, (inner) => adapter.search(query, inner)),
    fetch: (ref, ctx) => guarded('fetch', ctx, (inner) => adapter.fetch(ref, inner)),
  };
}
