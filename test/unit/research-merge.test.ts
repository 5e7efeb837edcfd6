import { describe, expect, it } from 'vitest';
import { contradiction, numericClaims } from '../../agents/research/claims.js';
import { createMerger } from '../../agents/research/merge.js';
import { candidate } from '../support/research-candidates.js';
import { CLAIM, corpusPage } from '../support/research-corpus.js';

const seed = 'merge-unit';
const page = (i: number, variant?: 'near') => corpusPage(i, { seed, ...(variant ? { variant } : {}) }).text;

describe('createMerger', () => {
  it('accepts distinct pages', () => {
    const merger = createMerger();
    expect([1, 2, 3].map((i) => merger.add(candidate(`https://a.test/${i}`, page(i))).status)).toEqual(['accepted', 'accepted', 'accepted']);
    expect(merger.kept()).toHaveLength(3);
  });

  it('drops an exact copy at another URL and notes it on the kept item', () => {
    const merger = createMerger();
    const first = candidate('https://a.test/1', page(1));
    merger.add(first);
    const outcome = merger.add(candidate('https://mirror.test/1', `${page(1)}\n`));
    expect(outcome).toMatchObject({ status: 'duplicate', note: { kind: 'exact', url: 'https://mirror.test/1' } });
    expect(first.item.duplicates).toEqual([{ kind: 'exact', url: 'https://mirror.test/1' }]);
  });

  it('drops a second fetch of the same canonical URL from the same kind of source', () => {
    const merger = createMerger();
    merger.add(candidate('https://a.test/1', page(1)));
    expect(merger.add(candidate('https://a.test/1', page(2)))).toMatchObject({ status: 'duplicate', note: { kind: 'url' } });
  });

  it('drops a near-duplicate with its similarity', () => {
    const merger = createMerger();
    merger.add(candidate('https://a.test/1', page(1)));
    const outcome = merger.add(candidate('https://b.test/1', page(1, 'near')));
    expect(outcome.status).toBe('duplicate');
    if (outcome.status !== 'duplicate') return;
    expect(outcome.note.kind).toBe('near');
    expect(outcome.note.similarity).toBeGreaterThanOrEqual(0.7);
  });

  it("keeps the graph's stored copy and a fresh fetch of the same URL with other content, marked content-changed", () => {
    const merger = createMerger();
    const stored = candidate('https://a.test/1', page(1), 'graph');
    const fresh = candidate('https://a.test/1', page(1, 'near'), 'web');
    expect(merger.add(stored).status).toBe('accepted');
    expect(merger.add(fresh).status).toBe('accepted');
    const conflicts = merger.settleConflicts();
    expect(conflicts).toEqual([expect.objectContaining({ kind: 'content-changed', ids: [stored.item.id, fresh.item.id] })]);
    expect(stored.item.conflictsWith).toEqual([fresh.item.id]);
  });

  it('keeps two pages that state the same thing with different numbers, marked as a numbers conflict', () => {
    const merger = createMerger();
    const a = candidate('https://a.test/claim', `${CLAIM(34)}\n\n${page(5)}`);
    const b = candidate('https://b.test/claim', `${CLAIM(43)}\n\n${page(6)}`);
    merger.add(a);
    expect(merger.add(b).status).toBe('accepted');
    const [conflict] = merger.settleConflicts();
    expect(conflict).toMatchObject({ kind: 'numbers', ids: [a.item.id, b.item.id] });
    expect(conflict?.detail).toContain('34 gigawatt');
    expect(b.item.conflictsWith).toEqual([a.item.id]);
  });

  it('keeps a near-duplicate that contradicts its twin on numbers instead of dropping it', () => {
    const merger = createMerger();
    merger.add(candidate('https://a.test/1', `${CLAIM(34)}\n\n${page(1)}`));
    expect(merger.add(candidate('https://b.test/1', `${CLAIM(43)}\n\n${page(1)}`)).status).toBe('accepted');
    expect(merger.settleConflicts().map((c) => c.kind)).toEqual(['numbers']);
  });
});

describe('numeric claims', () => {
  it('ignores sentences without numbers or with too few words, and compares numbers as written', () => {
    expect(numericClaims('No numbers here at all. 42.')).toEqual([]);
    const a = numericClaims('Output rose to 1,200 megawatts in 2023.');
    const b = numericClaims('Output rose to 1200 megawatts in 2023.');
    expect(contradiction(a, b)).toBeUndefined();
    expect(contradiction(a, numericClaims('Output rose to 1,300 megawatts in 2023.'))).toBeDefined();
  });
});
