import { AppError } from '../../src/errors.js';
import { canonicalizeUrl } from './canonical-url.js';
import { extractHtml, type ExtractedText } from './extract-html.js';
import { cpuTask, type CpuPool } from '../../src/cpu/cpu-pool.js';
import { errorFromStatus } from '../../src/net/http-errors.js';
import { sourceKey, type RedisLike } from '../../src/policies/lua-scripts.js';
import { decodeBody, mediaType } from './http-body.js';
import { createRobotsGate, type RobotsRecord } from './robots.js';
import type { Resolver } from './safe-dispatcher.js';
import { createSafeHttpClient } from './safe-http.js';
import { createMemoryCache, createRedisCache, type TtlCache } from './ttl-cache.js';
import type { FetchedDocument, SourceAdapter, SourceRef } from './types.js';
import { assertUrlAllowed } from '../../src/net/url-safety.js';

export interface WebSourceOptions {
  name?: string;
  /** COGO_RESEARCH_ALLOW_HOSTS: hostnames, IPs or CIDRs (optionally `:port`) admitted although private. */
  allowHosts?: readonly string[];
  maxBytes?: number;
  timeoutMs?: number;
  maxRedirects?: number;
  userAgent?: string;
  /** With Redis, robots.txt and conditional-GET validators are shared by all workers; without, per process. */
  redis?: RedisLike;
  keyPrefix?: string;
  robotsTtlMs?: number;
  documentCacheTtlMs?: number;
  resolve?: Resolver;
  /** Where HTML pages are parsed and extracted, off the event loop; absent = on the calling thread. */
  cpu?: Pick<CpuPool, 'run'>;
}

const EXTRACT_HTML = cpuTask<{ html: string; url: string }, ExtractedText>(new URL('./extract-html.ts', import.meta.url).href, 'extractHtmlTask');

export interface WebSource extends SourceAdapter {
  close(): Promise<void>;
}

interface CachedDocument {
  doc: FetchedDocument;
}

const TEXTUAL = /^(text\/|application\/(json|xml|ld\+json|x-ndjson|javascript)$|application\/[\w.-]+\+(json|xml)$)/;
const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"'`]+/gi;

/**
 * Fetches pages the research agent already knows about. The web adapter has no search engine: `search` returns
 * a ref for every http(s) URL in the query text, which is how the agent passes its source hints.
 */
export function createWebSource(options: WebSourceOptions = {}): WebSource {
  const { name = 'web', userAgent = 'COGO-research/0.1 (+https://github.com/cogo)', keyPrefix = 'cogo', documentCacheTtlMs = 24 * 60 * 60_000 } = options;
  const http = createSafeHttpClient({ ...options, via: name, userAgent });
  const cacheOf = <T>(kind: string): TtlCache<T> =>
    options.redis ? createRedisCache<T>(options.redis, sourceKey(keyPrefix, name, kind)) : createMemoryCache<T>({ maxEntries: 200 });
  const documents = cacheOf<CachedDocument>('doc');
  const robots = createRobotsGate({ http, cache: cacheOf<RobotsRecord>('robots'), userAgent, via: name, ttlMs: options.robotsTtlMs });

  return {
    name,
    async search(query) {
      const refs = new Map<string, SourceRef>();
      for (const match of query.match(URL_IN_TEXT) ?? []) {
        const candidate = match.replace(/[).,;:!?\]]+$/, '');
        try {
          const key = canonicalizeUrl(candidate);
          if (!refs.has(key)) refs.set(key, { url: candidate });
        } catch {
          // Not a URL after all; hints are free text.
        }
      }
      return [...refs.values()];
    },

    async fetch(ref, ctx) {
      const start = assertUrlAllowed(ref.url, http.allowList);
      const cacheKey = canonicalizeUrl(start);
      const cached = await documents.get(cacheKey);
      const headers: Record<string, string> = {
        accept: 'text/html,application/xhtml+xml,text/plain;q=0.9,application/json;q=0.8,*/*;q=0.1',
      };
      if (cached?.doc.etag) headers['if-none-match'] = cached.doc.etag;
      if (cached?.doc.lastModified) headers['if-modified-since'] = cached.doc.lastModified;
      const res = await http.get(start.toString(), {
        signal: ctx.signal,
        limiter: ctx.limiter,
        headers,
        beforeRequest: (url) => robots.assertAllowed(url, ctx),
      });
      const fetchedAt = new Date().toISOString();
      if (res.status === 304 && cached) {
        ctx.logger?.debug({ url: cacheKey }, 'not modified; serving cached document');
        return { ...cached.doc, fetchedAt, fromCache: true };
      }
      if (res.status < 200 || res.status >= 300) {
        throw errorFromStatus(res.status, { url: res.url, via: name, retryAfter: res.headers['retry-after'] });
      }
      const contentType = res.headers['content-type'];
      const { title, text } = await toText(res.body, contentType, res.url, ref, name, options.cpu);
      const doc: FetchedDocument = {
        url: canonicalizeUrl(res.url),
        finalUrl: res.url,
        title,
        text,
        fetchedAt,
        status: res.status,
        ...(contentType ? { contentType } : {}),
        ...(res.headers.etag ? { etag: res.headers.etag } : {}),
        ...(res.headers['last-modified'] ? { lastModified: res.headers['last-modified'] } : {}),
      };
      if (doc.etag || doc.lastModified) await documents.set(cacheKey, { doc }, documentCacheTtlMs);
      return doc;
    },

    close: () => http.close(),
  };
}

async function toText(body: Buffer, contentType: string | undefined, url: string, ref: SourceRef, via: string, cpu: WebSourceOptions['cpu']) {
  const type = mediaType(contentType);
  const decoded = decodeBody(body, contentType);
  const looksHtml = type === '' && /^\s*(<!doctype html|<html)/i.test(decoded.slice(0, 512));
  if (type === 'text/html' || type === 'application/xhtml+xml' || looksHtml) {
    const extracted = cpu ? await cpu.run(EXTRACT_HTML, { html: decoded, url }) : extractHtml(decoded, url);
    return { title: extracted.title, text: extracted.text };
  }
  if (TEXTUAL.test(type) || type === '') {
    const lastSegment = new URL(url).pathname.split('/').filter(Boolean).pop() ?? '';
    return { title: ref.title ?? (lastSegment || url), text: decoded };
  }
  throw new AppError('BAD_INPUT', `${via}: ${url} has content type ${type}, which research cannot read`, {
    via,
    details: { url, contentType: type },
  });
}
