import { AppError } from '../errors.js';
import { checkUrlHost, type Resolve } from '../net/host-check.js';
import { assertUrlAllowed, parseAllowList, type GuardPolicy } from '../net/url-safety.js';

/** The Figma import's SSRF guard: public hosts are fetched, private/loopback ones only when allow-listed. */
export const FIGMA_POLICY: GuardPolicy = { via: 'figma', allowEnv: 'COGO_FIGMA_ALLOW_HOSTS' };

/** A file's key in the links Figma shows (`/file/<key>/…`, `/design/<key>/…`) and in the REST path (`/v1/files/<key>`). */
const KEY_IN_PATH = /^\/(?:file|design|proto|board|v1\/files)\/([A-Za-z0-9_-]{1,128})(?:\/|$)/;

/** The key a Figma URL names, or undefined. */
export function figmaKeyOf(url: string): string | undefined {
  try {
    return KEY_IN_PATH.exec(new URL(url).pathname)?.[1];
  } catch {
    return undefined;
  }
}

const isFigmaSite = (host: string) => host === 'figma.com' || (host.endsWith('.figma.com') && host !== 'api.figma.com');

/**
 * What is fetched: a link to a file on figma.com becomes the REST API's `GET <apiUrl>/v1/files/<key>`; any
 * other URL (the API itself, a mirror of it) is fetched as given.
 */
export function figmaFetchUrl(url: string, apiUrl: string, fileKey: string): URL {
  let given: URL;
  try {
    given = new URL(url);
  } catch {
    throw new AppError('BAD_INPUT', `figma.url is not a valid URL: ${url.slice(0, 200)}`, { via: 'figma' });
  }
  if (!isFigmaSite(given.hostname)) return given;
  return new URL(`v1/files/${encodeURIComponent(fileKey)}`, apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`);
}

/**
 * The enqueue-time check of an import URL (the worker checks again, on every connection): well formed, and its
 * host public or on COGO_FIGMA_ALLOW_HOSTS. FORBIDDEN when refused, so nothing is enqueued.
 */
export async function checkFigmaUrl(url: string, rules: { apiUrl: string; allowHosts: readonly string[] }, fileKey: string, resolve?: Resolve): Promise<URL> {
  const allow = parseAllowList(rules.allowHosts, FIGMA_POLICY);
  const target = assertUrlAllowed(figmaFetchUrl(url, rules.apiUrl, fileKey), allow, FIGMA_POLICY);
  await checkUrlHost(target, allow, FIGMA_POLICY, resolve);
  return target;
}
