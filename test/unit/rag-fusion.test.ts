import { describe, expect, it } from 'vitest';
import { reciprocalRankFusion, RRF_K } from '../../src/rag/fusion.js';

describe('reciprocalRankFusion', () => {
  it('ranks an id both lists hold above ids only one list holds', () => {
    const fused = reciprocalRankFusion([
      ['a', 'b', 'c'],
      ['d', 'c', 'e'],
    ]);
    expect(fused[0]!.id).toBe('c');
    expect(fused[0]!.ranks).toEqual([3, 2]);
    expect(fused[0]!.rrf).toBeCloseTo(1 / (RRF_K + 3) + 1 / (RRF_K + 2), 12);
  });

  it('records null for the list that does not hold an id', () => {
    const fused = reciprocalRankFusion([['a'], ['b']]);
    expect(fused.find((f) => f.id === 'a')!.ranks).toEqual([1, null]);
    expect(fused.find((f) => f.id === 'b')!.ranks).toEqual([null, 1]);
  });

  describe('when scores tie', () => {
    it('orders by the best single rank, then by id, so the result is deterministic', () => {
      const fused = reciprocalRankFusion([['x', 'y'], ['y', 'x'], ['z']]);
      // x and y tie on rrf (ranks 1+2 each); z has one rank-1 entry only.
      expect(fused.map((f) => f.id)).toEqual(['x', 'y', 'z']);
    });
  });

  it('counts an id listed twice in one list once, at its best rank', () => {
    const fused = reciprocalRankFusion([['a', 'a', 'b']]);
    expect(fused.find((f) => f.id === 'a')!.rrf).toBeCloseTo(1 / (RRF_K + 1), 12);
    expect(fused.find((f) => f.id === 'b')!.ranks).toEqual([3]);
  });

  it('returns nothing for empty lists', () => {
    expect(reciprocalRankFusion([[], []])).toEqual([]);
  });
});
