import { isIP } from 'node:net';
import { request, type Dispatcher } from 'undici';
import { AppError } from '../../src/errors.js';
import { errorFromNetwork, errorFromStatus } from '../../src/net/http-errors.js';
import { defaultPort, parseAllowList, type AllowList, type GuardPolicy } from '../../src/net/url-safety.js';
import { createSafeDispatcher } from '../../ingest/sources/safe-dispatcher.js';

export const EXECUTE_POLICY: GuardPolicy = { via: 'execute', allowEnv: 'COGO_EXECUTE_ALLOW_HOSTS' };

export interface HttpCall {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  idempotencyKey: string;
  signal: AbortSignal;
}

export interface HttpReply {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON when the reply says so, else text (first 64 KiB). */
  body: unknown;
}

export interface HttpCaller {
  call(call: HttpCall): Promise<HttpReply>;
  /** FORBIDDEN unless the URL's host is on COGO_EXECUTE_ALLOW_HOSTS: checked at enqueue and before every call. */
  check(url: string): URL;
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024;

/**
 * The execute agent's outgoing HTTP: only allow-listed hosts (an action with side effects never reaches an
 * arbitrary host, public or not), connections pinned to addresses the research SSRF guard checked, no redirects,
 * and `Idempotency-Key` on every call.
 */
export function createHttpCaller(options: { allowHosts: readonly string[]; timeoutMs?: number }): HttpCaller {
  const allowList: AllowList = parseAllowList(options.allowHosts, EXECUTE_POLICY);
  const timeoutMs = options.timeoutMs ?? 15_000;
  const dispatcher: Dispatcher = createSafeDispatcher({ allowList, connectTimeoutMs: timeoutMs });

  function check(input: string): URL {
    let url: URL;
    try {
      url = new URL(input);
    } catch {
      throw new AppError('BAD_INPUT', `not a valid URL: ${input.slice(0, 200)}`, { via: 'execute' });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new AppError('BAD_INPUT', `only http and https URLs, not ${url.protocol}`, { via: 'execute' });
    if (url.username || url.password) throw new AppError('BAD_INPUT', 'URLs with embedded credentials are refused; send a header instead', { via: 'execute' });
    const port = defaultPort(url);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const admitted = isIP(host) ? allowList.admitsAddress(host, port) : allowList.admitsHost(host, port);
    if (!admitted) {
      throw new AppError('FORBIDDEN', `execute may not call ${url.host}: add it to ${EXECUTE_POLICY.allowEnv} to allow`, {
        via: 'execute',
        retryable: false,
        details: { host: url.host },
      });
    }
    return url;
  }

  return {
    check,
    async call(call) {
      const url = check(call.url);
      const signal = AbortSignal.any([call.signal, AbortSignal.timeout(timeoutMs)]);
      const json = call.body !== undefined;
      let res: Dispatcher.ResponseData;
      try {
        res = await request(url, {
          method: call.method as Dispatcher.HttpMethod,
          headers: { ...(json ? { 'content-type': 'application/json' } : {}), ...call.headers, 'idempotency-key': call.idempotencyKey },
          body: json ? JSON.stringify(call.body) : undefined,
          dispatcher,
          signal,
        });
      } catch (error) {
        if (call.signal.aborted) throw call.signal.reason;
        throw errorFromNetwork(error, { url: url.href, via: 'execute' });
      }
      const text = (await res.body.text()).slice(0, MAX_BODY);
      const headers = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v ?? '')]));
      if (res.statusCode >= 300) {
        throw errorFromStatus(res.statusCode, { url: url.href, via: 'execute', retryAfter: headers['retry-after'], body: text });
      }
      const isJson = (headers['content-type'] ?? '').includes('json');
      let body: unknown = text;
      if (isJson && text) {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      }
      return { status: res.statusCode, headers, body };
    },
    close: () => dispatcher.close(),
  };
}
