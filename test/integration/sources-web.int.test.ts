import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createWebSource, type WebSource, type WebSourceOptions } from '../../ingest/sources/web.js';
import { unlimitedRateLimiter, type SourceContext } from '../../ingest/sources/types.js';
import { AD_TEXT, ARTICLE_SENTENCES, ETAG, NEAR_DUPLICATE_SENTENCE, startFixtureWeb, type FixtureWeb } from '../support/fixture-web.js';

const prefix = `test-web-${randomUUID().slice(0, 8)}`;
let web: FixtureWeb;
let redis: Redis;
const opened: WebSource[] = [];

beforeAll(async () => {
  web = await startFixtureWeb();
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
});
beforeEach(() => web.reset());
afterAll(async () => {
  await Promise.all(opened.map((source) => source.close()));
  await web.close();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

const ctx = (signal: AbortSignal = new AbortController().signal): SourceContext => ({ signal, limiter: unlimitedRateLimiter });
/** The fixture's own port only: other loopback ports (the "internal" second server) stay refused. */
function source(options: WebSourceOptions = {}): WebSource {
  const created = createWebSource({ allowHosts: [`127.0.0.1:${web.port}`], ...options });
  opened.push(created);
  return created;
}
const at = (path: string) => `${web.url}${path}`;

describe('web source', () => {
  describe('.fetch of an HTML article', () => {
    it('returns the readable article text and title without the page chrome', async () => {
      const doc = await source().fetch({ url: `${at('/article')}?utm_source=x#top` }, ctx());
      expect(doc.status).toBe(200);
      expect(doc.title).toContain('Tidal stream power');
      for (const sentence of ARTICLE_SENTENCES) expect(doc.text).toContain(sentence);
      expect(doc.text).not.toContain(AD_TEXT);
      expect(doc.url).toBe(at('/article'));
      expect(doc.contentType).toContain('text/html');
      expect(Date.parse(doc.fetchedAt)).toBeGreaterThan(Date.now() - 60_000);
    });

    it('gives duplicates the same text and a near-duplicate exactly the changed sentence', async () => {
      const web1 = source();
      const [a, copy, near] = await Promise.all(['/article', '/article-copy', '/article-near'].map((p) => web1.fetch({ url: at(p) }, ctx())));
      expect(copy?.text).toBe(a?.text);
      expect(copy?.url).not.toBe(a?.url);
      expect(near?.text).not.toBe(a?.text);
      expect(near?.text).toContain(NEAR_DUPLICATE_SENTENCE);
      expect(near?.text.replace(NEAR_DUPLICATE_SENTENCE, ARTICLE_SENTENCES[4] ?? '')).toBe(a?.text);
    });
  });

  describe('.fetch of other content types', () => {
    it('passes plain text and JSON through and refuses binary types with BAD_INPUT', async () => {
      const web1 = source();
      expect((await web1.fetch({ url: at('/text.txt') }, ctx())).text).toBe('Plain notes.\nSecond line.');
      expect(JSON.parse((await web1.fetch({ url: at('/data.json') }, ctx())).text)).toEqual({ answer: 42 });
      await expect(web1.fetch({ url: at('/binary.pdf') }, ctx())).rejects.toMatchObject({ code: 'BAD_INPUT' });
    });

    it('reports a missing page as NOT_FOUND', async () => {
      await expect(source().fetch({ url: at('/no-such-page') }, ctx())).rejects.toMatchObject({ code: 'NOT_FOUND', retryable: false });
    });
  });

  describe('redirects', () => {
    it('follows a chain within maxRedirects and reports the final URL', async () => {
      const doc = await source().fetch({ url: at('/redirect/chain/3') }, ctx());
      expect(doc.finalUrl).toBe(at('/article'));
      expect(doc.url).toBe(at('/article'));
      expect([3, 2, 1, 0].map((n) => web.hits(`/redirect/chain/${n}`))).toEqual([1, 1, 1, 1]);
    });

    it('gives up beyond maxRedirects without reaching the target', async () => {
      await expect(source({ maxRedirects: 2 }).fetch({ url: at('/redirect/chain/3') }, ctx())).rejects.toMatchObject({
        code: 'UPSTREAM_UNAVAILABLE',
        retryable: false,
      });
      expect(web.hits('/article')).toBe(0);
    });
  });

  describe('robots.txt', () => {
    it('refuses disallowed paths with FORBIDDEN without requesting them', async () => {
      await expect(source().fetch({ url: at('/private/report') }, ctx())).rejects.toMatchObject({
        code: 'FORBIDDEN',
        message: expect.stringContaining('robots.txt disallows'),
      });
      expect(web.hits('/private/report')).toBe(0);
    });

    it('is fetched once per origin and cached', async () => {
      const web1 = source();
      for (const path of ['/article', '/text.txt', '/data.json']) await web1.fetch({ url: at(path) }, ctx());
      await expect(web1.fetch({ url: at('/private/x') }, ctx())).rejects.toMatchObject({ code: 'FORBIDDEN' });
      expect(web.hits('/robots.txt')).toBe(1);
    });

    it('is shared through Redis between sources (workers)', async () => {
      const options = { redis, keyPrefix: `${prefix}-robots` };
      await source(options).fetch({ url: at('/article') }, ctx());
      await source(options).fetch({ url: at('/article') }, ctx());
      expect(web.hits('/robots.txt')).toBe(1);
      expect(web.hits('/article')).toBe(2);
    });
  });

  describe('limits', () => {
    it('aborts a streamed body beyond maxBytes with PAYLOAD_TOO_LARGE', async () => {
      const started = Date.now();
      await expect(source({ maxBytes: 1_000_000 }).fetch({ url: at('/huge') }, ctx())).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it('refuses a declared Content-Length over maxBytes', async () => {
      await expect(source({ maxBytes: 1_000_000 }).fetch({ url: at('/huge?declared=1') }, ctx())).rejects.toMatchObject({
        code: 'PAYLOAD_TOO_LARGE',
        details: expect.objectContaining({ maxBytes: 1_000_000 }),
      });
    });

    it('fails a slow page with TIMEOUT after timeoutMs', async () => {
      const web1 = source({ timeoutMs: 400 });
      await web1.fetch({ url: at('/text.txt') }, ctx()); // robots.txt out of the way
      const started = Date.now();
      await expect(web1.fetch({ url: at('/slow?ms=3000') }, ctx())).rejects.toMatchObject({ code: 'TIMEOUT', retryable: true });
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('passes a caller cancel through as the abort reason, not as TIMEOUT', async () => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('job cancelled')), 200);
      await expect(source().fetch({ url: at('/slow?ms=3000') }, ctx(controller.signal))).rejects.toThrow('job cancelled');
    });
  });

  describe('conditional GET', () => {
    it('revalidates with ETag and serves the cached document on 304', async () => {
      const web1 = source();
      const first = await web1.fetch({ url: at('/etag/article') }, ctx());
      expect(first.etag).toBe(ETAG);
      expect(first.fromCache).toBeUndefined();
      const second = await web1.fetch({ url: at('/etag/article') }, ctx());
      expect(second.fromCache).toBe(true);
      expect(second.text).toBe(first.text);
      expect(web.hits('/etag/article')).toBe(2);
    });

    it('shares validators through Redis, so another worker gets the 304 too', async () => {
      const options = { redis, keyPrefix: `${prefix}-docs` };
      const first = await source(options).fetch({ url: at('/etag/article') }, ctx());
      const second = await source(options).fetch({ url: at('/etag/article') }, ctx());
      expect(second.fromCache).toBe(true);
      expect(second.title).toBe(first.title);
    });
  });

  describe('SSRF guard', () => {
    it('refuses the loopback fixture without an allow-list and admits it with one', async () => {
      await expect(source({ allowHosts: [] }).fetch({ url: at('/article') }, ctx())).rejects.toMatchObject({
        code: 'FORBIDDEN',
        message: expect.stringContaining('COGO_RESEARCH_ALLOW_HOSTS'),
      });
      expect(web.totalHits()).toBe(0);
      expect((await source().fetch({ url: at('/article') }, ctx())).status).toBe(200);
    });

    it('checks names after DNS resolution: localhost is refused unless allow-listed', async () => {
      const byName = `http://localhost:${web.port}/text.txt`;
      await expect(source({ allowHosts: [] }).fetch({ url: byName }, ctx())).rejects.toMatchObject({ code: 'FORBIDDEN' });
      expect(web.totalHits()).toBe(0);
      expect((await source({ allowHosts: [`localhost:${web.port}`] }).fetch({ url: byName }, ctx())).text).toContain('Plain notes');
    });

    it('refuses the cloud metadata address, directly and via a redirect', async () => {
      await expect(source().fetch({ url: 'http://169.254.169.254/latest/meta-data/' }, ctx())).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(source().fetch({ url: at('/redirect/metadata') }, ctx())).rejects.toMatchObject({
        code: 'FORBIDDEN',
        details: expect.objectContaining({ address: '169.254.169.254', range: 'metadata' }),
      });
    });

    it('refuses a redirect from the allowed host to another loopback port', async () => {
      await expect(source().fetch({ url: at('/redirect/loopback') }, ctx())).rejects.toMatchObject({ code: 'FORBIDDEN' });
      expect(web.secretRequests).toHaveLength(0);
      // Control: allow-listing the second port too lets the same redirect through, so the refusal above is the guard's.
      const secretPort = new URL(web.secretUrl).port;
      const doc = await source({ allowHosts: [`127.0.0.1:${web.port}`, `127.0.0.1:${secretPort}`] }).fetch({ url: at('/redirect/loopback') }, ctx());
      expect(doc.text).toBe('INTERNAL-ONLY SECRET');
    });

    it('refuses file:// directly and via a redirect with BAD_INPUT', async () => {
      await expect(source().fetch({ url: 'file:///etc/passwd' }, ctx())).rejects.toMatchObject({ code: 'BAD_INPUT' });
      await expect(source().fetch({ url: at('/redirect/file') }, ctx())).rejects.toMatchObject({ code: 'BAD_INPUT' });
    });
  });

  describe('.search', () => {
    it('returns one ref per distinct URL hint and touches no network', async () => {
      const refs = await source().search(`see ${at('/article')}, and (${at('/article')}#again) plus ${at('/text.txt')}. not-a-url`, ctx());
      expect(refs.map((r) => r.url)).toEqual([at('/article'), at('/text.txt')]);
      expect(web.totalHits()).toBe(0);
    });
  });
});
