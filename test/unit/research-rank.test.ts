import { describe, expect, it } from 'vitest';
import { contentHashOf, evidenceIdOf, questionTerms, selectQuote, sourceNodeOf, toCandidate } from '../../agents/research/normalize.js';
import { bm25Scores, freshnessOf, rank } from '../../agents/research/rank.js';
import { percentile } from '../../agents/research/stats.js';
import type { SourceKind } from '../../agents/research/types.js';

const terms = questionTerms(['tidal', 'turbines', 'cost']);
function candidate(url: string, title: string, text: string, options: { kind?: SourceKind; hinted?: boolean; publishedAt?: string } = {}) {
  const kind = options.kind ?? 'web';
  const doc = {
    url,
    finalUrl: url,
    title,
    text,
    fetchedAt: '2025-06-01T00:00:00.000Z',
    status: 200,
    ...(options.publishedAt ? { publishedAt: options.publishedAt } : {}),
  };
  const task = { key: url, source: kind, kind, ref: { url }, hinted: options.hinted ?? false };
  const c = toCandidate(doc, task, { tenant: 't', terms, sourceNode: sourceNodeOf('t', kind, 'x', null) });
  if (!c) throw new Error('no text');
  return c;
}

describe('normalization', () => {
  it('derives the id from tenant and content hash, ignoring case and spacing but not tenant', () => {
    expect(contentHashOf('Tidal  Power\n')).toBe(contentHashOf('tidal power'));
    expect(evidenceIdOf('a', contentHashOf('x'))).not.toBe(evidenceIdOf('b', contentHashOf('x')));
    expect(candidate('https://a.test/1', 'T', 'Tidal turbines.').item.id).toBe(candidate('https://b.test/2', 'Other', 'tidal   TURBINES.').item.id);
  });

  it('returns no candidate for a document without text', () => {
    const task = { key: 'k', source: 'web', kind: 'web' as const, ref: { url: 'https://a.test' }, hinted: false };
    expect(
      toCandidate({ url: 'https://a.test/', finalUrl: 'https://a.test/', title: 'x', text: '  \n', fetchedAt: '', status: 200 }, task, {
        tenant: 't',
        terms,
        sourceNode: sourceNodeOf('t', 'web', 'a.test', null),
      }),
    ).toBeUndefined();
  });

  it('quotes the passage with the most question terms, not the lead', () => {
    const text = 'Intro about the weather. Nothing else here.\nThe cost of tidal turbines fell by half. Maintenance still matters.';
    expect(selectQuote(text, terms, 60)).toBe('The cost of tidal turbines fell by half.');
    expect(selectQuote('No match at all here. Second sentence.', terms, 400)).toBe('No match at all here. Second sentence.');
  });
});

describe('ranking', () => {
  it('scores documents that mention more (and rarer) question terms higher', () => {
    const a = candidate('https://a.test/', 'Tidal turbines and their cost', 'Tidal turbines cost less every year. The cost of tidal power.');
    const b = candidate('https://b.test/', 'Tidal news', 'The tide came in.');
    const c = candidate('https://c.test/', 'Cooking', 'Bread and butter.');
    const [sa = 0, sb = 0, sc = 0] = bm25Scores([a, b, c], terms);
    expect(sa).toBeGreaterThan(sb);
    expect(sb).toBeGreaterThan(sc);
    expect(sc).toBe(0);
    expect(rank([c, b, a], terms, 'any').map((x) => x.item.url)).toEqual(['https://a.test/', 'https://b.test/', 'https://c.test/']);
    expect(a.item.score).toBeLessThanOrEqual(1);
  });

  it('prefers explicitly hinted sources and higher-weight kinds when relevance ties', () => {
    const web = candidate('https://a.test/', 'Tidal', 'tidal');
    const hinted = candidate('https://b.test/', 'Tidal', 'tidal', { hinted: true });
    const npm = candidate('https://c.test/', 'Tidal', 'tidal', { kind: 'npm' });
    expect(rank([web, npm, hinted], terms, 'any').map((x) => x.item.url)).toEqual(['https://b.test/', 'https://c.test/', 'https://a.test/']);
  });

  it('halves freshness per window beyond the requested one', () => {
    const now = Date.parse('2025-06-10T00:00:00Z');
    expect(freshnessOf({ retrievedAt: '2025-06-09T00:00:00Z' }, 'week', now)).toBe(1);
    expect(freshnessOf({ retrievedAt: '2025-05-27T00:00:00Z' }, 'week', now)).toBeCloseTo(0.5, 5);
    expect(freshnessOf({ retrievedAt: '2000-01-01T00:00:00Z' }, 'any', now)).toBe(1);
    expect(freshnessOf({ publishedAt: '2024-06-10T00:00:00Z', retrievedAt: '2025-06-09T00:00:00Z' }, 'day', now)).toBeLessThan(0.01);
  });

  it('computes nearest-rank percentiles', () => {
    expect(percentile([], 95)).toBe(0);
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(
      percentile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        95,
      ),
    ).toBe(95);
  });
});
