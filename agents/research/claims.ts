import { createHash } from 'node:crypto';
import type { ClaimStatus } from '../../src/evidence/types.js';
import { isStopWord, sentences, stem, clip } from './text.js';
import type { Candidate } from './types.js';

/**
 * Claims: sentences that state a number (the checkable part of a text). Two sentences make the same claim when
 * they share most of their content words (Jaccard ≥ CLAIM_OVERLAP over ≥ 3 stems); with other numbers they
 * contradict each other. The merge uses this to mark conflicts; `groupClaims` turns what several pages say
 * into `(:Evidence)-[:SUPPORTS]->(:Claim)` for the graph.
 */

const CLAIM_OVERLAP = 0.6;
const MAX_CLAIMS = 40;
const MAX_GROUPS = 50;

export interface NumericClaim {
  sentence: string;
  words: Set<string>;
  numbers: string;
}

const NUMBER = /^\d[\d.,]*$/;

export function numericClaims(text: string): NumericClaim[] {
  const claims: NumericClaim[] = [];
  for (const sentence of sentences(text)) {
    const tokens = sentence.toLowerCase().match(/[\p{L}]+|\d[\d.,]*\d|\d/gu) ?? [];
    const numbers = tokens.filter((t) => NUMBER.test(t)).map((t) => t.replace(/,/g, ''));
    if (numbers.length === 0) continue;
    const words = new Set(tokens.filter((t) => !NUMBER.test(t) && t.length > 1 && !isStopWord(t)).map(stem));
    if (words.size >= 3) claims.push({ sentence, words, numbers: [...numbers].sort().join(' ') });
    if (claims.length >= MAX_CLAIMS) break;
  }
  return claims;
}

function overlap(a: Set<string>, b: Set<string>): number {
  let inter = 0;
  for (const w of a) if (b.has(w)) inter++;
  return inter / (a.size + b.size - inter);
}

/** The first pair of sentences where two texts say the same thing with different numbers, if any. */
export function contradiction(a: NumericClaim[], b: NumericClaim[]): [string, string] | undefined {
  for (const x of a) {
    for (const y of b) {
      if (x.numbers !== y.numbers && overlap(x.words, y.words) >= CLAIM_OVERLAP) return [x.sentence, y.sentence];
    }
  }
  return undefined;
}

export interface ClaimGroup {
  /** Stable for the same statement: a hash of the tenant and the stems of its first wording (by evidence id). */
  id: string;
  text: string;
  status: ClaimStatus;
  supports: Array<{ evidenceId: string; says: string; numbers: string }>;
}

/**
 * The claims that at least two pages (two URLs) make, each with what every page says. Deterministic for one
 * set of evidence whatever order it arrived in, so a rerun MERGEs onto the same Claim nodes.
 */
export function groupClaims(
  tenant: string,
  kept: readonly Candidate[],
  claimsOf: (c: Candidate) => NumericClaim[] = (c) => numericClaims(c.text),
): ClaimGroup[] {
  type Group = { index: number; seed: NumericClaim; members: Map<string, { url: string; claim: NumericClaim }> };
  const groups: Group[] = [];
  // Groups by the words of their seed: a claim is compared only with groups it shares a word with (the others'
  // overlap is 0), so a job's thousands of sentences are not compared pairwise.
  const byWord = new Map<string, Group[]>();
  for (const candidate of [...kept].sort((a, b) => (a.item.id < b.item.id ? -1 : 1))) {
    for (const claim of claimsOf(candidate)) {
      const sharing = new Set([...claim.words].flatMap((w) => byWord.get(w) ?? []));
      let best: Group | undefined;
      let bestOverlap = CLAIM_OVERLAP;
      for (const group of [...sharing].sort((a, b) => a.index - b.index)) {
        const similarity = overlap(group.seed.words, claim.words);
        if (similarity >= bestOverlap && !group.members.has(candidate.item.id)) [best, bestOverlap] = [group, similarity];
      }
      const member = { url: candidate.item.url, claim };
      if (best) {
        best.members.set(candidate.item.id, member);
        continue;
      }
      const group: Group = { index: groups.length, seed: claim, members: new Map([[candidate.item.id, member]]) };
      groups.push(group);
      for (const word of claim.words) {
        const list = byWord.get(word);
        if (list) list.push(group);
        else byWord.set(word, [group]);
      }
    }
  }
  return groups
    .filter((g) => new Set([...g.members.values()].map((m) => m.url)).size >= 2)
    .slice(0, MAX_GROUPS)
    .map((g) => {
      const supports = [...g.members].map(([evidenceId, m]) => ({ evidenceId, says: clip(m.claim.sentence, 500), numbers: m.claim.numbers }));
      return {
        id: createHash('sha256')
          .update(`${tenant}\n${[...g.seed.words].sort().join(' ')}`)
          .digest('hex')
          .slice(0, 32),
        text: clip(g.seed.sentence, 500),
        status: new Set(supports.map((s) => s.numbers)).size > 1 ? 'disputed' : 'corroborated',
        supports,
      };
    });
}
