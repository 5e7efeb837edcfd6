/** One ranked list of ids, best first (vector hits, text hits, …). */
export type RankedIds = readonly string[];

export interface FusedId {
  id: string;
  /** Σ 1 / (k + rank) over the lists that hold the id. */
  rrf: number;
  /** 1-based rank in each input list, null where the list does not hold the id. */
  ranks: (number | null)[];
}

/** The constant of Cormack et al. (2009): large enough that one list's top hit cannot drown the others. */
export const RRF_K = 60;

/**
 * Reciprocal rank fusion: scores from different retrievers are not comparable (cosine similarity vs BM25),
 * ranks are. `weights` (default 1 each) scale each list's share. Ties go to the id with the better best rank,
 * then to the id, so the order is deterministic.
 */
export function reciprocalRankFusion(lists: readonly RankedIds[], k = RRF_K, weights: readonly number[] = []): FusedId[] {
  const fused = new Map<string, FusedId>();
  lists.forEach((ids, listIndex) => {
    ids.forEach((id, position) => {
      let entry = fused.get(id);
      if (!entry) {
        entry = { id, rrf: 0, ranks: lists.map(() => null) };
        fused.set(id, entry);
      }
      // An id listed twice in one list counts once, at its best rank.
      if (entry.ranks[listIndex] !== null) return;
      entry.ranks[listIndex] = position + 1;
      entry.rrf += (weights[listIndex] ?? 1) / (k + position + 1);
    });
  });
  const best = (f: FusedId) => Math.min(...f.ranks.map((r) => r ?? Infinity));
  return [...fused.values()].sort((a, b) => b.rrf - a.rrf || best(a) - best(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
