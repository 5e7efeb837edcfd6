import { contradiction, numericClaims, type NumericClaim } from './claims.js';
import { estimateSimilarity } from './minhash.js';
import { clip } from './text.js';
import type { Candidate, Conflict, DuplicateNote } from './types.js';

/**
 * Incremental merge: each fetched candidate is compared with what the job kept so far, before it is written.
 * - same content hash → duplicate (`url` when the URL is the same too, else `exact`);
 * - same canonical URL from the same kind of source (e.g. two hints that redirect to one page) → duplicate `url`;
 * - same canonical URL from another kind of source with other content (the graph's stored copy vs a fresh
 *   fetch) → both kept, marked `content-changed`;
 * - MinHash similarity ≥ NEAR_DUPLICATE_THRESHOLD → duplicate `near`, unless the two disagree on numbers;
 * - sentences that say nearly the same words (Jaccard ≥ 0.6 over ≥ 3 content words) with different numbers
 *   → both kept, marked `numbers`.
 * The first arrival is kept; later ones are recorded on it as `duplicates`.
 */

export const NEAR_DUPLICATE_THRESHOLD = 0.7;
const MAX_CONFLICTS = 100;

export type MergeOutcome = { status: 'accepted' } | { status: 'duplicate'; of: Candidate; note: DuplicateNote };

export function createMerger(options: { threshold?: number } = {}) {
  const threshold = options.threshold ?? NEAR_DUPLICATE_THRESHOLD;
  const kept: Candidate[] = [];
  const byHash = new Map<string, Candidate>();
  const byUrl = new Map<string, Candidate[]>();
  const claims = new WeakMap<Candidate, NumericClaim[]>();
  const conflicts: Conflict[] = [];
  const claimsOf = (c: Candidate) => claims.get(c) ?? claims.set(c, numericClaims(c.text)).get(c) ?? [];

  function addConflict(kind: Conflict['kind'], a: Candidate, b: Candidate, detail: string) {
    if (conflicts.length >= MAX_CONFLICTS) return;
    conflicts.push({ kind, ids: [a.item.id, b.item.id], detail: clip(detail, 500) });
  }

  function noteDuplicate(of: Candidate, note: DuplicateNote) {
    const list = (of.item.duplicates ??= []);
    if (!list.some((d) => d.url === note.url)) list.push(note);
  }

  /** Keeps a candidate without checks: what an earlier attempt of the job already accepted and stored. */
  function accept(c: Candidate) {
    kept.push(c);
    byHash.set(c.item.contentHash, c);
    byUrl.set(c.item.url, [...(byUrl.get(c.item.url) ?? []), c]);
  }

  function add(c: Candidate): MergeOutcome {
    const same = byHash.get(c.item.contentHash);
    if (same) return duplicate(same, { url: c.item.url, kind: same.item.url === c.item.url ? 'url' : 'exact' });
    const atUrl = byUrl.get(c.item.url) ?? [];
    const sameKind = atUrl.find((o) => o.item.kind === c.item.kind);
    if (sameKind) return duplicate(sameKind, { url: c.item.url, kind: 'url' });
    let nearest: { of: Candidate; similarity: number } | undefined;
    for (const other of kept) {
      if (atUrl.includes(other)) continue;
      const similarity = estimateSimilarity(other.signature, c.signature);
      if (similarity >= threshold && similarity > (nearest?.similarity ?? 0)) nearest = { of: other, similarity };
    }
    const contradicting: Array<[Candidate, [string, string]]> = [];
    for (const other of kept) {
      if (other.item.url === c.item.url) continue;
      const found = contradiction(claimsOf(other), claimsOf(c));
      if (found) contradicting.push([other, found]);
    }
    if (nearest && !contradicting.some(([other]) => other === nearest?.of)) {
      return duplicate(nearest.of, { url: c.item.url, kind: 'near', similarity: Math.round(nearest.similarity * 1000) / 1000 });
    }
    for (const other of atUrl) addConflict('content-changed', other, c, `${c.item.url}: ${other.item.source} and ${c.item.source} hold different content`);
    for (const [other, [a, b]] of contradicting) addConflict('numbers', other, c, `"${a}" vs "${b}"`);
    accept(c);
    return { status: 'accepted' };
  }

  function duplicate(of: Candidate, note: DuplicateNote): MergeOutcome {
    noteDuplicate(of, note);
    return { status: 'duplicate', of, note };
  }

  /** Copies the conflicts onto the items (`conflictsWith`) and returns them. */
  function settleConflicts(): Conflict[] {
    const byId = new Map(kept.map((c) => [c.item.id, c]));
    for (const { ids } of conflicts) {
      const [a, b] = ids.map((id) => byId.get(id));
      if (!a || !b) continue;
      a.item.conflictsWith = [...new Set([...(a.item.conflictsWith ?? []), b.item.id])];
      b.item.conflictsWith = [...new Set([...(b.item.conflictsWith ?? []), a.item.id])];
    }
    return [...conflicts];
  }

  return { add, accept, noteDuplicate, settleConflicts, kept: () => [...kept], find: (id: string) => kept.find((c) => c.item.id === id) };
}

export type Merger = ReturnType<typeof createMerger>;
