import { describe, expect, it } from 'vitest';
import { extractHtml, normalizeWhitespace } from '../../ingest/sources/extract-html.js';
import { packageText, repositoryUrl } from '../../ingest/sources/npm-registry.js';
import { createMemoryCache } from '../../ingest/sources/ttl-cache.js';
import { AD_TEXT, ARTICLE_SENTENCES, articleHtml } from '../support/fixture-web.js';

describe('extractHtml', () => {
  it('keeps the article and drops navigation, ads, cookie banners, scripts and footers', () => {
    const { title, text, method } = extractHtml(articleHtml(), 'https://news.example/tidal');
    expect(method).toBe('readability');
    expect(title).toContain('Tidal stream power');
    for (const sentence of ARTICLE_SENTENCES) expect(text).toContain(sentence);
    for (const noise of [AD_TEXT, 'Subscribe now', 'cookies', 'UA-NOISE-1', 'Celebrity yachts', 'All rights reserved']) {
      expect(text).not.toContain(noise);
    }
  });

  it('keeps paragraph breaks between blocks', () => {
    const { text } = extractHtml(articleHtml(), 'https://news.example/tidal');
    expect(text).toMatch(/simpler\.\n+The Pentland/);
  });

  it('falls back to the body text when Readability finds nothing, without scripts or styles', () => {
    const html =
      '<html><head><title>Archive search</title><style>p{}</style></head><body><form><input name="q"></form>' +
      '<button>Search the archive</button><script>var secret=1</script></body></html>';
    const result = extractHtml(html, 'https://e.example/');
    expect(result.method).toBe('body');
    expect(result.title).toBe('Archive search');
    expect(result.text).toBe('Search the archive');
  });

  it('separates blocks that Readability would glue together', () => {
    const html = '<html><head><title>T</title></head><body><div>One</div><div>Two</div></body></html>';
    expect(extractHtml(html, 'https://e.example/').text).toBe('One\n\nTwo');
  });

  it('uses the URL as title when the page has none', () => {
    expect(extractHtml('<p>hi</p>', 'https://e.example/x').title).toBe('https://e.example/x');
  });
});

describe('normalizeWhitespace', () => {
  it('collapses spaces and blank lines but keeps paragraphs', () => {
    expect(normalizeWhitespace('  a \t b\r\n\r\n\r\n\nc\u00a0 d  ')).toBe('a b\n\nc d');
  });
});

describe('packageText', () => {
  it('joins description, readme excerpt, keywords and repository', () => {
    const text = packageText(
      {
        description: 'Fast queue',
        readme: `# q\n\n${'x'.repeat(50)}\n\n${'y'.repeat(100)}`,
        keywords: ['queue', 7, 'fifo'],
        repository: { url: 'git+https://github.com/o/q.git' },
      },
      80,
    );
    expect(text).toContain('Fast queue');
    expect(text).toContain('x'.repeat(50));
    expect(text).not.toContain('y'.repeat(100));
    expect(text).toContain('Keywords: queue, fifo');
    expect(text).toContain('Repository: https://github.com/o/q');
  });
});

describe('repositoryUrl', () => {
  it.each([
    ['git+https://github.com/o/r.git', 'https://github.com/o/r'],
    ['git://github.com/o/r.git', 'https://github.com/o/r'],
    ['git@github.com:o/r.git', 'https://github.com/o/r'],
    ['github:o/r', 'https://github.com/o/r'],
    ['o/r', 'https://github.com/o/r'],
    ['gitlab:o/r', 'https://gitlab.com/o/r'],
  ])('turns %s into %s', (raw, url) => {
    expect(repositoryUrl(raw)).toBe(url);
  });
});

describe('createMemoryCache', () => {
  it('expires entries by TTL and evicts the least recently used', async () => {
    let now = 0;
    const cache = createMemoryCache<number>({ maxEntries: 2, now: () => now });
    await cache.set('a', 1, 100);
    await cache.set('b', 2, 100);
    await cache.get('a');
    await cache.set('c', 3, 100);
    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.get('a')).toBe(1);
    now = 150;
    expect(await cache.get('c')).toBeUndefined();
  });
});
