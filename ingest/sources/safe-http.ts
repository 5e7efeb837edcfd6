import { request, type Dispatcher } from 'undici';
import { AppError, isAppError } from '../../src/errors.js';
import { errorFromNetwork } from '../../src/net/http-errors.js';
import { createDeadline } from '../../src/policies/deadline.js';
import { createSafeDispatcher, type Resolver } from './safe-dispatcher.js';
import type { RateLimiter } from './types.js';
import { assertUrlAllowed, parseAllowList, type AllowList, type GuardPolicy } from '../../src/net/url-safety.js';

export interface SafeHttpOptions {
  /** Hostnames, IPs or CIDRs (optionally `:port`) admitted although private/loopback (COGO_RESEARCH_ALLOW_HOSTS). */
  allowHosts?: readonly string[];
  /** Adapter name: errors carry it as `via`. */
  via: string;
  /** Whose guard this is (the setting its refusals name); default research's. */
  policy?: GuardPolicy;
  maxBytes?: number;
  timeoutMs?: number;
  maxRedirects?: number;
  userAgent?: string;
  resolve?: Resolver;
}

export interface GetInit {
  signal: AbortSignal;
  limiter: RateLimiter;
  headers?: Record<string, string>;
  /** Headers that must not follow a redirect to another origin (credentials). */
  secretHeaders?: readonly string[];
  maxBytes?: number;
  /** Called before every hop, including the first: the web adapter checks robots.txt here. */
  beforeRequest?: (url: URL) => Promise<void>;
}

export interface HttpResponse {
  status: number;
  /** Where the body came from after redirects. */
  url: string;
  headers: Record<string, string>;
  /** Read only for 2xx; empty otherwise. */
  body: Buffer;
}

export interface SafeHttpClient {
  readonly allowList: AllowList;
  get(url: string, init: GetInit): Promise<HttpResponse>;
  close(): Promise<void>;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * GET with the research fetch rules: SSRF check on every hop (URL and resolved address), redirects followed
 * by hand within `maxRedirects`, one rate-limit token per hop, a byte cap enforced while streaming and one
 * deadline for the whole exchange.
 */
export function createSafeHttpClient(options: SafeHttpOptions): SafeHttpClient {
  const {
    via,
    maxBytes: defaultMaxBytes = 2_000_000,
    timeoutMs = 10_000,
    maxRedirects = 5,
    userAgent = 'COGO-research/0.1 (+https://github.com/cogo)',
  } = options;
  const allowList = parseAllowList(options.allowHosts ?? [], options.policy);
  const dispatcher: Dispatcher = createSafeDispatcher({ allowList, connectTimeoutMs: timeoutMs, resolve: options.resolve, policy: options.policy });

  async function get(input: string, init: GetInit): Promise<HttpResponse> {
    const deadline = createDeadline(init.signal, timeoutMs, `fetching ${input}`, via);
    const maxBytes = init.maxBytes ?? defaultMaxBytes;
    let url = assertUrlAllowed(input, allowList, options.policy);
    const origin = url.origin;
    let headers: Record<string, string> = { 'user-agent': userAgent, ...init.headers };
    try {
      for (let hop = 0; ; hop++) {
        await init.beforeRequest?.(url);
        await init.limiter.acquire(deadline.signal);
        const res = await request(url, { method: 'GET', headers, dispatcher, signal: deadline.signal });
        const location = res.headers.location;
        if (REDIRECTS.has(res.statusCode) && typeof location === 'string') {
          await res.body.dump();
          if (hop >= maxRedirects) {
            throw new AppError('UPSTREAM_UNAVAILABLE', `${via}: more than ${maxRedirects} redirects from ${input}`, {
              via,
              retryable: false,
              details: { url: input, maxRedirects },
            });
          }
          url = assertUrlAllowed(new URL(location, url), allowList, options.policy);
          if (url.origin !== origin) headers = withoutHeaders(headers, init.secretHeaders ?? []);
          continue;
        }
        const flat = flattenHeaders(res.headers);
        if (res.statusCode < 200 || res.statusCode >= 300) {
          await res.body.dump();
          return { status: res.statusCode, url: url.toString(), headers: flat, body: Buffer.alloc(0) };
        }
        const body = await readCapped(res.body, maxBytes, Number(flat['content-length'] ?? NaN), url.toString(), via);
        return { status: res.statusCode, url: url.toString(), headers: flat, body };
      }
    } catch (error) {
      const translated = deadline.translate(error);
      if (translated !== error || isAppError(error) || init.signal.aborted) throw translated;
      throw errorFromNetwork(error, { url: url.toString(), via });
    }
  }

  return { allowList, get, close: () => dispatcher.close() };
}

async function readCapped(body: Dispatcher.ResponseData['body'], maxBytes: number, declared: number, url: string, via: string): Promise<Buffer> {
  const tooLarge = () =>
    new AppError('PAYLOAD_TOO_LARGE', `${via}: ${url} is larger than the ${maxBytes}-byte limit`, {
      via,
      details: { url, maxBytes },
    });
  // A declared length over the cap is refused before a byte is read.
  if (declared > maxBytes) {
    discard(body);
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += (chunk as Buffer).length;
    if (total > maxBytes) {
      discard(body);
      throw tooLarge();
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Closes the connection mid-body. undici reports that as an 'error' event, which nobody is left to hear. */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function withoutHeaders(headers: Record<string, string>, names: readonly string[]): Record<string, string> {
  const drop = new Set(['authorization', 'cookie', ...names.map((n) => n.toLowerCase())]);
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !drop.has(name.toLowerCase())));
}
