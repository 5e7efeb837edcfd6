import type { Candidate, SourceKind } from './types.js';

/**
 * score = 0.60 · relevance + 0.25 · source weight + 0.15 · freshness, each in [0, 1].
 * - relevance: BM25 (k1 = 1.2, b = 0.75) of the question's stemmed keywords over title (counted twice) and
 *   text, with IDF taken over this job's candidates, divided by the best candidate's BM25;
 * - source weight: a prior per source kind, raised for URLs and packages the caller named explicitly;
 * - freshness: 1 inside the requested window (any/day/week/month/year), halving per window beyond it;
 *   the date is the item's published date where known, else when it was retrieved.
 */

export const SOURCE_WEIGHTS: Readonly<Record<SourceKind, number>> = { npm: 0.8, api: 0.7, web: 0.6, graph: 0.5 };
export const HINT_BONUS = 0.3;
export const WEIGHTS = { relevance: 0.6, source: 0.25, freshness: 0.15 } as const;

const DAY = 24 * 3600_000;
export const FRESHNESS_WINDOWS_MS = { any: undefined, day: DAY, week: 7 * DAY, month: 30 * DAY, year: 365 * DAY } as const;
export type Freshness = keyof typeof FRESHNESS_WINDOWS_MS;

const K1 = 1.2;
const B = 0.75;

export function bm25Scores(candidates: readonly Candidate[], terms: readonly string[]): number[] {
  const n = candidates.length;
  if (n === 0) return [];
  const avgLength = candidates.reduce((sum, c) => sum + c.length, 0) / n || 1;
  const idf = new Map<string, number>();
  for (const term of terms) {
    const df = candidates.filter((c) => (c.termFreq.get(term) ?? 0) > 0).length;
    idf.set(term, Math.log(1 + (n - df + 0.5) / (df + 0.5)));
  }
  return candidates.map((c) => {
    let score = 0;
    for (const term of terms) {
      const tf = c.termFreq.get(term) ?? 0;
      if (tf === 0) continue;
      score += ((idf.get(term) ?? 0) * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * c.length) / avgLength));
    }
    return score;
  });
}

export function sourceWeight(candidate: Pick<Candidate, 'hinted' | 'item'>): number {
  return Math.min(1, SOURCE_WEIGHTS[candidate.item.kind] + (candidate.hinted ? HINT_BONUS : 0));
}

export function freshnessOf(item: { publishedAt?: string; retrievedAt: string }, freshness: Freshness, now = Date.now()): number {
  const window = FRESHNESS_WINDOWS_MS[freshness];
  if (window === undefined) return 1;
  const at = Date.parse(item.publishedAt ?? item.retrievedAt);
  if (Number.isNaN(at)) return 0.5;
  const age = Math.max(0, now - at);
  return age <= window ? 1 : 0.5 ** ((age - window) / window);
}

/** Scores every candidate (in place) and returns them best first; ties go to the newer, then the smaller id. */
export function rank(candidates: readonly Candidate[], terms: readonly string[], freshness: Freshness, now = Date.now()): Candidate[] {
  const raw = bm25Scores(candidates, terms);
  const best = Math.max(0, ...raw);
  candidates.forEach((c, i) => {
    const relevance = best > 0 ? (raw[i] ?? 0) / best : 0;
    const score = WEIGHTS.relevance * relevance + WEIGHTS.source * sourceWeight(c) + WEIGHTS.freshness * freshnessOf(c.item, freshness, now);
    c.item.score = Math.round(score * 10_000) / 10_000;
  });
  return [...candidates].sort(
    (a, b) => b.item.score - a.item.score || b.item.retrievedAt.localeCompare(a.item.retrievedAt) || a.item.id.localeCompare(b.item.id),
  );
}
