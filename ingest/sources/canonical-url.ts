import { AppError } from '../../src/errors.js';

/**
 * One spelling per resource, so the graph's MERGE on canonical URLs sees `HTTP://Example.com:80/a?b=2&a=1#x` and
 * `http://example.com/a?a=1&b=2` as the same Document. Only identity-preserving rewrites are made: a trailing
 * slash on a non-root path and the `+`/`%20` distinction are kept because servers may treat them differently.
 */

const TRACKING_EXACT = new Set(['fbclid', 'gclid', 'dclid', 'gbraid', 'wbraid', 'msclkid', 'yclid', 'igshid', 'mc_cid', 'mc_eid', '_hsenc', '_hsmi']);

export function isTrackingParam(name: string): boolean {
  const key = name.toLowerCase();
  return key.startsWith('utm_') || TRACKING_EXACT.has(key);
}

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** Decodes escapes of unreserved characters and upper-cases the hex of the rest (RFC 3986 §6.2.2). */
export function normalizePercentEncoding(text: string): string {
  return text.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : `%${hex.toUpperCase()}`;
  });
}

function decodeKey(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

export function canonicalizeUrl(input: string | URL): string {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new AppError('BAD_INPUT', `not a valid URL: ${String(input).slice(0, 200)}`, { via: 'research' });
  }
  // The WHATWG parser already lower-cases scheme and host, drops default ports, resolves dot segments and gives
  // an empty http(s) path as "/".
  url.hash = '';
  if (url.hostname.endsWith('.')) url.hostname = url.hostname.replace(/\.+$/, '');
  url.pathname = normalizePercentEncoding(url.pathname);
  const pairs = url.search
    .replace(/^\?/, '')
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const [key = '', ...rest] = pair.split('=');
      const value = rest.length > 0 ? `=${normalizePercentEncoding(rest.join('='))}` : '';
      return { key: normalizePercentEncoding(key), value };
    })
    .filter((pair) => !isTrackingParam(decodeKey(pair.key)));
  // Stable sort by key only: the order of repeated keys (`a=2&a=1`) can be meaningful to the server.
  pairs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  url.search = pairs.length > 0 ? `?${pairs.map((p) => p.key + p.value).join('&')}` : '';
  return url.toString();
}
