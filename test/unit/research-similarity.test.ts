import { describe, expect, it } from 'vitest';
import { estimateSimilarity, jaccard, shingleHashes, signature } from '../../agents/research/minhash.js';
import { extractHtml } from '../../ingest/sources/extract-html.js';
import { ARTICLE_SENTENCES, NEAR_DUPLICATE_SENTENCE, articleHtml } from '../support/fixture-web.js';
import { corpusPage } from '../support/research-corpus.js';

const text = (sentences: readonly string[]) => extractHtml(articleHtml(sentences), 'http://example.test/a').text;

describe('MinHash similarity', () => {
  const article = text(ARTICLE_SENTENCES);
  const near = text(ARTICLE_SENTENCES.map((s, i) => (i === 4 ? NEAR_DUPLICATE_SENTENCE : s)));

  it('is 1 for the same text, whatever its case and spacing', () => {
    expect(estimateSimilarity(signature(article), signature(`  ${article.toUpperCase()}\n`))).toBe(1);
  });

  it('rates a page with one sentence of eight replaced as a near-duplicate, close to the exact Jaccard', () => {
    const estimate = estimateSimilarity(signature(article), signature(near));
    const exact = jaccard(shingleHashes(article), shingleHashes(near));
    expect(exact).toBeGreaterThan(0.7);
    expect(exact).toBeLessThan(0.9);
    expect(Math.abs(estimate - exact)).toBeLessThan(0.1);
  });

  it('rates unrelated pages near 0', () => {
    const other = corpusPage(7, { seed: 'unit' }).text;
    expect(estimateSimilarity(signature(article), signature(other))).toBeLessThan(0.1);
    expect(estimateSimilarity(signature(corpusPage(1, { seed: 'unit' }).text), signature(corpusPage(2, { seed: 'unit' }).text))).toBeLessThan(0.1);
  });

  it('tracks the exact Jaccard within 0.1 across a range of edits', () => {
    const base = corpusPage(3, { seed: 'unit' }).text;
    const words = base.split(' ');
    for (const changed of [5, 20, 60, 150]) {
      const edited = words.map((w, i) => (i % Math.floor(words.length / changed) === 0 ? `${w}x` : w)).join(' ');
      const exact = jaccard(shingleHashes(base), shingleHashes(edited));
      expect(Math.abs(estimateSimilarity(signature(base), signature(edited)) - exact)).toBeLessThan(0.1);
    }
  });
});
