import { AppError, isAppError } from '../errors.js';

/** Parses `Retry-After` (delay-seconds or an HTTP date) into ms from `now`; undefined when absent or invalid. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Only real HTTP dates: Date.parse would also accept "1.5" or "tomorrow"-like strings on some engines.
  if (!/^[A-Za-z]{3},? /.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The one place where upstream HTTP outcomes become AppErrors, so every adapter reports them alike and the
 * retry policy and circuit breaker can rely on `retryable` and `details.retryAfterMs`.
 */
export function errorFromStatus(
  status: number,
  options: { url: string; via: string; retryAfter?: string | null; /** The upstream's explanation, first 200 characters kept. */ body?: string },
): AppError {
  const { url, via } = options;
  const retryAfterMs = parseRetryAfter(options.retryAfter);
  const details = { status, url, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  const said = options.body?.trim() ? `: ${options.body.trim().slice(0, 200)}` : '';
  const say = (what: string) => `${via}: ${what} (HTTP ${status} from ${url}${said})`;
  if (status === 429) return new AppError('RATE_LIMITED', say('upstream is rate limiting us'), { via, details });
  if (status === 408) return new AppError('TIMEOUT', say('upstream timed out'), { via, details });
  if (status >= 500) return new AppError('UPSTREAM_UNAVAILABLE', say('upstream failed'), { via, details });
  if (status === 404 || status === 410) return new AppError('NOT_FOUND', say('not found'), { via, details });
  // The upstream refusing *our* credentials is an operator problem, not the caller's: FORBIDDEN, never UNAUTHENTICATED.
  if (status === 401 || status === 403) {
    return new AppError('FORBIDDEN', say("upstream refused access; check the source's credentials"), { via, details });
  }
  if (status === 413) return new AppError('PAYLOAD_TOO_LARGE', say('upstream refused the request size'), { via, details });
  if (status === 400 || status === 422) return new AppError('BAD_INPUT', say('upstream rejected the request'), { via, details });
  return new AppError('UPSTREAM_UNAVAILABLE', say('unexpected response'), { via, retryable: false, details });
}

const TRANSIENT_NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** Network-level failures: transient ones are retryable UPSTREAM_UNAVAILABLE, connect timeouts are TIMEOUT. */
export function errorFromNetwork(error: unknown, options: { url: string; via: string }): AppError {
  if (isAppError(error)) return error;
  const code = String((error as { code?: unknown })?.code ?? '');
  const causeCode = String((error as { cause?: { code?: unknown } })?.cause?.code ?? '');
  const details = { url: options.url, networkCode: code || causeCode || undefined };
  if (code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new AppError('TIMEOUT', `${options.via}: connecting to ${options.url} timed out`, { via: options.via, details, cause: error });
  }
  const transient = TRANSIENT_NETWORK.has(code) || TRANSIENT_NETWORK.has(causeCode) || code.startsWith('UND_ERR');
  return new AppError('UPSTREAM_UNAVAILABLE', `${options.via}: could not reach ${options.url} (${code || causeCode || 'network error'})`, {
    via: options.via,
    retryable: transient,
    details,
    cause: error,
  });
}
