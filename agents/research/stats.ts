import type { BreakerState } from '../../src/policies/circuit-breaker.js';
import type { SourceKind } from './types.js';

/** Per source, for `research.done`: one call = one logical search or fetch, retries and rate-limit waits included. */
export interface SourceStats {
  kind: SourceKind;
  calls: number;
  failures: number;
  /** Failures that were policy refusals (SSRF, scheme, robots.txt) rather than upstream trouble. */
  refused: number;
  retries: number;
  latencyMs: { p50: number; p95: number; max: number };
  /** The shared (Redis) breaker's state when the job finished; `none` for sources without one. */
  breaker: BreakerState | 'none';
  breakerOpened: boolean;
}

/** Nearest-rank percentile of an unsorted list; 0 for an empty one. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

interface Tally {
  kind: SourceKind;
  latencies: number[];
  failures: number;
  refused: number;
  retries: number;
  breakerOpened: boolean;
}

export function createStats() {
  const tallies = new Map<string, Tally>();
  const tally = (source: string, kind: SourceKind) => {
    let t = tallies.get(source);
    if (!t) tallies.set(source, (t = { kind, latencies: [], failures: 0, refused: 0, retries: 0, breakerOpened: false }));
    return t;
  };
  return {
    call(source: string, kind: SourceKind, ms: number, outcome: 'ok' | 'failed' | 'refused') {
      const t = tally(source, kind);
      t.latencies.push(Math.round(ms));
      if (outcome !== 'ok') t.failures++;
      if (outcome === 'refused') t.refused++;
    },
    retry(source: string, kind: SourceKind) {
      tally(source, kind).retries++;
    },
    breakerOpened(source: string, kind: SourceKind) {
      tally(source, kind).breakerOpened = true;
    },
    /** Sources with at least one successful call: the job fails only when there is none. */
    succeeded(): number {
      return [...tallies.values()].filter((t) => t.latencies.length > t.failures).length;
    },
    sources: () => [...tallies.keys()],
    snapshot(breakers: ReadonlyMap<string, BreakerState>): Record<string, SourceStats> {
      return Object.fromEntries(
        [...tallies].map(([source, t]) => [
          source,
          {
            kind: t.kind,
            calls: t.latencies.length,
            failures: t.failures,
            refused: t.refused,
            retries: t.retries,
            latencyMs: { p50: percentile(t.latencies, 50), p95: percentile(t.latencies, 95), max: Math.max(0, ...t.latencies) },
            breaker: breakers.get(source) ?? 'none',
            breakerOpened: t.breakerOpened,
          },
        ]),
      );
    },
  };
}

export type Stats = ReturnType<typeof createStats>;
