import type { IncomingHttpHeaders } from 'node:http';
import { isLoopbackHost } from '../config/loopback.js';
import { AppError } from '../errors.js';

export interface BrowserGuardOptions {
  /** Development mode: no credential is needed, so the Host header must name this server (DNS rebinding). */
  devAnonymous: boolean;
  /** Origins allowed besides the server's own (COGO_ALLOWED_ORIGINS). */
  allowedOrigins: readonly string[];
  /** Host names allowed besides the loopback names and the bind address (COGO_ALLOWED_HOSTS). */
  allowedHosts: readonly string[];
  bindHost: string;
}

const forbidden = (message: string) => new AppError('FORBIDDEN', message, { via: 'http' });
const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

function hostnameOf(host: string): string | undefined {
  try {
    return new URL(`http://${host}`).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * Refuses what a web page in someone's browser could send to COGO (DESIGN §7): a request from another origin
 * (every request that says where it comes from: browsers send `Origin` on WebSocket upgrades, EventSource and
 * POST), and in development mode, a Host that does not name this server — a page on `evil.example` that
 * re-resolves its name to 127.0.0.1 sends `Host: evil.example`. Returns the refusal, or undefined.
 */
export function createBrowserGuard(options: BrowserGuardOptions) {
  const origins = new Set(options.allowedOrigins.map((o) => o.replace(/\/+$/, '').toLowerCase()));
  const hosts = new Set([...options.allowedHosts, ...(['0.0.0.0', '::'].includes(options.bindHost) ? [] : [options.bindHost.toLowerCase()])]);
  const hostAllowed = (name: string) => isLoopbackHost(name) || hosts.has(name);
  const check = (headers: IncomingHttpHeaders): AppError | undefined => {
    const host = one(headers.host)?.toLowerCase() ?? '';
    if (options.devAnonymous) {
      const name = hostnameOf(host);
      if (!name || !hostAllowed(name)) return forbidden(`Host "${host.slice(0, 100)}" does not name this server; add it to COGO_ALLOWED_HOSTS if it does`);
    }
    const origin = one(headers.origin);
    if (origin === undefined) return undefined;
    const normalized = origin.replace(/\/+$/, '').toLowerCase();
    if (origins.has(normalized)) return undefined;
    let originHost: string | undefined;
    try {
      originHost = normalized === 'null' ? undefined : new URL(normalized).host;
    } catch {
      originHost = undefined;
    }
    if (originHost !== undefined && originHost === host) return undefined;
    return forbidden(`requests from origin "${origin.slice(0, 100)}" are not allowed; add it to COGO_ALLOWED_ORIGINS if they should be`);
  };
  /** A COGO_ALLOWED_ORIGINS entry: a web app elsewhere that may call the API, which then answers with CORS headers. */
  const isListedOrigin = (origin: string | undefined) => origin !== undefined && origins.has(origin.replace(/\/+$/, '').toLowerCase());
  return { check, isListedOrigin };
}

export type BrowserGuard = ReturnType<typeof createBrowserGuard>;

/** A JSON media type: `application/json` or `application/<something>+json`, by its essence (parameters ignored). */
export function isJsonContentType(contentType: string | undefined): boolean {
  const essence = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  return essence === 'application/json' || /^application\/[a-z0-9.-]+\+json$/.test(essence);
}
