import { describe, expect, it } from 'vitest';
import { canonicalizeUrl, isTrackingParam, normalizePercentEncoding } from '../../ingest/sources/canonical-url.js';

describe('canonicalizeUrl', () => {
  it('lower-cases scheme and host and drops the default port and fragment', () => {
    expect(canonicalizeUrl('HTTP://Example.COM:80/Docs/Page#section-2')).toBe('http://example.com/Docs/Page');
    expect(canonicalizeUrl('https://example.com:443/a')).toBe('https://example.com/a');
  });

  it('keeps a non-default port', () => {
    expect(canonicalizeUrl('https://example.com:8443/a')).toBe('https://example.com:8443/a');
  });

  it('gives the root a single trailing slash and keeps it off other paths', () => {
    expect(canonicalizeUrl('https://example.com')).toBe('https://example.com/');
    expect(canonicalizeUrl('https://example.com/docs')).toBe('https://example.com/docs');
    expect(canonicalizeUrl('https://example.com/docs/')).toBe('https://example.com/docs/');
  });

  it('sorts query parameters by name, keeping the order of repeated names', () => {
    expect(canonicalizeUrl('https://e.com/s?b=2&a=1&c=3')).toBe('https://e.com/s?a=1&b=2&c=3');
    expect(canonicalizeUrl('https://e.com/s?tag=z&page=1&tag=a')).toBe('https://e.com/s?page=1&tag=z&tag=a');
  });

  it('drops tracking parameters and an empty query', () => {
    expect(canonicalizeUrl('https://e.com/a?utm_source=x&UTM_Medium=y&fbclid=1&gclid=2&id=7')).toBe('https://e.com/a?id=7');
    expect(canonicalizeUrl('https://e.com/a?utm_campaign=spring')).toBe('https://e.com/a');
    expect(canonicalizeUrl('https://e.com/a?')).toBe('https://e.com/a');
  });

  it('normalizes percent-encoding: unreserved characters decoded, other escapes upper-cased', () => {
    expect(canonicalizeUrl('https://e.com/%7euser/%61bc%2fdef?q=%7e%2f')).toBe('https://e.com/~user/abc%2Fdef?q=~%2F');
  });

  it('gives equivalent spellings the same canonical form', () => {
    const variants = [
      'https://Example.com:443/guide/../docs/intro?b=2&a=1#top',
      'https://example.com/docs/intro?a=1&b=2&utm_source=newsletter',
      'https://example.com./docs/%69ntro?a=1&b=2',
    ];
    expect(new Set(variants.map((v) => canonicalizeUrl(v))).size).toBe(1);
  });

  it('refuses text that is not a URL with BAD_INPUT', () => {
    expect(() => canonicalizeUrl('not a url')).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
  });
});

describe('isTrackingParam', () => {
  it('knows utm_* and click ids but not ordinary names', () => {
    expect(isTrackingParam('utm_term')).toBe(true);
    expect(isTrackingParam('msclkid')).toBe(true);
    expect(isTrackingParam('utmost')).toBe(false);
    expect(isTrackingParam('id')).toBe(false);
  });
});

describe('normalizePercentEncoding', () => {
  it('leaves reserved escapes encoded', () => {
    expect(normalizePercentEncoding('%3a%2F%41')).toBe('%3A%2FA');
  });
});
