import robotsParserModule from 'robots-parser';
import { AppError, isAppError } from '../../src/errors.js';
import type { SafeHttpClient } from './safe-http.js';
import type { TtlCache } from './ttl-cache.js';
import type { SourceContext } from './types.js';

interface Robots {
  isDisallowed(url: string, ua?: string): boolean | undefined;
}
// The package is CommonJS (`module.exports = fn`) but its typings declare an ES default export; under NodeNext
// TypeScript then types the default import as the module object, while at runtime it is the function itself.
const robotsParser = ((robotsParserModule as unknown as { default?: unknown }).default ?? robotsParserModule) as (url: string, body: string) => Robots;

export interface RobotsGateOptions {
  http: SafeHttpClient;
  cache: TtlCache<RobotsRecord>;
  userAgent: string;
  via: string;
  ttlMs?: number;
}

/** What is cached per origin: the file's text; an empty string means "no rules" (404 or other 4xx). */
export interface RobotsRecord {
  body: string;
}

export interface RobotsGate {
  assertAllowed(url: URL, ctx: Pick<SourceContext, 'signal' | 'limiter' | 'logger'>): Promise<void>;
}

/**
 * robots.txt per RFC 9309: fetched once per origin and cached for `ttlMs`; a 4xx means no rules; a 5xx or an
 * unreachable server means "assume disallowed for now", which surfaces as a retryable UPSTREAM_UNAVAILABLE and
 * is not cached, so the next attempt asks again.
 */
export function createRobotsGate(options: RobotsGateOptions): RobotsGate {
  const { http, cache, userAgent, via, ttlMs = 60 * 60_000 } = options;
  const inFlight = new Map<string, Promise<RobotsRecord>>();

  async function load(origin: string, ctx: Parameters<RobotsGate['assertAllowed']>[1]): Promise<RobotsRecord> {
    const key = `robots:${origin}`;
    const cached = await cache.get(key);
    if (cached) return cached;
    let record: RobotsRecord;
    try {
      const res = await http.get(`${origin}/robots.txt`, { signal: ctx.signal, limiter: ctx.limiter, maxBytes: 512 * 1024 });
      if (res.status >= 500) {
        throw new AppError('UPSTREAM_UNAVAILABLE', `${via}: robots.txt of ${origin} is unavailable (HTTP ${res.status})`, {
          via,
          details: { url: `${origin}/robots.txt`, status: res.status },
        });
      }
      record = { body: res.status >= 200 && res.status < 300 ? res.body.toString('utf8') : '' };
    } catch (error) {
      // An oversized robots.txt cannot be parsed as intended; treating it as "no rules" matches common crawlers.
      if (!isAppError(error) || error.code !== 'PAYLOAD_TOO_LARGE') throw error;
      ctx.logger?.warn({ origin }, 'robots.txt larger than 512 KiB; ignoring it');
      record = { body: '' };
    }
    await cache.set(key, record, ttlMs);
    return record;
  }

  return {
    async assertAllowed(url, ctx) {
      const origin = url.origin;
      let pending = inFlight.get(origin);
      if (!pending) {
        pending = load(origin, ctx).finally(() => inFlight.delete(origin));
        inFlight.set(origin, pending);
      }
      const record = await pending;
      if (!record.body) return;
      const robots = robotsParser(`${origin}/robots.txt`, record.body);
      if (robots.isDisallowed(url.toString(), userAgent)) {
        throw new AppError('FORBIDDEN', `robots.txt disallows ${url.pathname} on ${url.host} for ${userAgent.split('/')[0]}`, {
          via,
          retryable: false,
          details: { url: url.toString(), robots: `${origin}/robots.txt` },
        });
      }
    },
  };
}
