import { tokenize } from './text.js';

/**
 * Near-duplicate detection with MinHash over word shingles (Broder 1997). A signature of `PERMUTATIONS` minimum
 * hashes estimates the Jaccard similarity of two documents' shingle sets with a standard error of
 * √(J(1−J)/128) ≈ 0.035 near J = 0.8. With at most a few hundred items per job, signatures are compared
 * pairwise; LSH banding would only pay off at thousands of items.
 */

export const PERMUTATIONS = 128;
export const SHINGLE_WORDS = 3;

/** 32-bit FNV-1a of a string. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** MurmurHash3's finalizer: a cheap, well-mixing bijection on 32 bits, one per "permutation" via its seed. */
function mix(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const SEEDS = Array.from({ length: PERMUTATIONS }, (_, i) => mix(0x9e3779b9 * (i + 1)));

/** Hashes of the text's word shingles; a text shorter than one shingle is one shingle of all its words. */
export function shingleHashes(text: string, size = SHINGLE_WORDS): Set<number> {
  const words = tokenize(text);
  const hashes = new Set<number>();
  if (words.length === 0) return hashes;
  if (words.length < size) {
    hashes.add(fnv1a(words.join(' ')));
    return hashes;
  }
  for (let i = 0; i + size <= words.length; i++) hashes.add(fnv1a(words.slice(i, i + size).join(' ')));
  return hashes;
}

export type Signature = Uint32Array;

export function signature(text: string): Signature {
  const sig = new Uint32Array(PERMUTATIONS).fill(0xffffffff);
  for (const shingle of shingleHashes(text)) {
    for (let i = 0; i < PERMUTATIONS; i++) {
      const value = mix(shingle ^ (SEEDS[i] as number));
      if (value < (sig[i] as number)) sig[i] = value;
    }
  }
  return sig;
}

/** The share of positions where two signatures agree: an unbiased estimate of the Jaccard similarity. */
export function estimateSimilarity(a: Signature, b: Signature): number {
  let same = 0;
  for (let i = 0; i < PERMUTATIONS; i++) if (a[i] === b[i]) same++;
  return same / PERMUTATIONS;
}

/** The exact Jaccard similarity of two shingle sets: what the benchmark checks the estimate against. */
export function jaccard(a: Set<number>, b: Set<number>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let inter = 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const value of small) if (large.has(value)) inter++;
  return inter / (a.size + b.size - inter);
}
