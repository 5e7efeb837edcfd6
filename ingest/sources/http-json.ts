import { AppError } from '../../src/errors.js';
import { canonicalizeUrl } from './canonical-url.js';
import { errorFromStatus } from '../../src/net/http-errors.js';
import { selectItems, selectString } from './json-path.js';
import type { Resolver } from './safe-dispatcher.js';
import { createSafeHttpClient } from './safe-http.js';
import type { FetchedDocument, SourceAdapter, SourceContext, SourceRef } from './types.js';

/** A field: a JSON path, or a function for what a path cannot say (npm's "description + readme excerpt"). */
export type JsonField = string | ((json: unknown) => string | undefined);

export interface HttpJsonMapping {
  /** Search response → the list of hits, e.g. `$.results`. */
  items: string;
  /** Hit → its URL (absolute, or relative to `baseUrl`). Used when there is no `fetchPath`. */
  url?: string;
  /** Hit → the id that fills `{id}` in `fetchPath`. */
  id?: string;
  title: string;
  snippet?: string;
  /** Fetched JSON → document text; several paths are joined by blank lines. Default: the JSON itself, indented. */
  text?: JsonField | JsonField[];
  /** Fetched JSON → document title. Default: the hit's title. */
  documentTitle?: JsonField;
}

export interface HttpJsonSourceOptions {
  name: string;
  baseUrl: string;
  /** Appended to `baseUrl`; `{query}` is replaced by the URL-encoded query. */
  searchPath: string;
  /** Appended to `baseUrl`; `{id}` is replaced by the hit's id (see `mapping.id`). */
  fetchPath?: string;
  encodeId?: (id: string) => string;
  /**
   * `envValue` is the secret itself, passed in from config; `credentialKey` lets a call's `ctx.credentials`
   * override it. It is sent only to `baseUrl`'s origin and never logged or put into an error.
   */
  authHeader?: { name: string; envValue?: string; credentialKey?: string };
  mapping: HttpJsonMapping;
  allowHosts?: readonly string[];
  maxResults?: number;
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
  userAgent?: string;
  resolve?: Resolver;
}

export interface HttpJsonSource extends SourceAdapter {
  close(): Promise<void>;
}

/** Plugs a domain API into research with configuration only: two URL templates and a field mapping. */
export function createHttpJsonSource(options: HttpJsonSourceOptions): HttpJsonSource {
  const { name, mapping, maxResults = 10, encodeId = encodeURIComponent } = options;
  const base = options.baseUrl.replace(/\/+$/, '');
  const baseOrigin = new URL(base).origin;
  const http = createSafeHttpClient({ ...options, via: name });

  async function getJson(url: string, ctx: SourceContext): Promise<{ json: unknown; status: number; finalUrl: string; headers: Record<string, string> }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const secret = options.authHeader;
    const value = secret && ((secret.credentialKey && ctx.credentials?.[secret.credentialKey]) || secret.envValue);
    if (secret && value && new URL(url).origin === baseOrigin) headers[secret.name.toLowerCase()] = value;
    const res = await http.get(url, { signal: ctx.signal, limiter: ctx.limiter, headers, secretHeaders: secret ? [secret.name] : [] });
    if (res.status < 200 || res.status >= 300) {
      throw errorFromStatus(res.status, { url: res.url, via: name, retryAfter: res.headers['retry-after'] });
    }
    try {
      return { json: JSON.parse(res.body.toString('utf8')), status: res.status, finalUrl: res.url, headers: res.headers };
    } catch (error) {
      throw new AppError('UPSTREAM_UNAVAILABLE', `${name}: ${res.url} did not return valid JSON`, {
        via: name,
        retryable: false,
        details: { url: res.url },
        cause: error,
      });
    }
  }

  function refFor(item: unknown): SourceRef | undefined {
    const id = mapping.id ? selectString(item, mapping.id) : undefined;
    const link = mapping.url ? selectString(item, mapping.url) : undefined;
    const url =
      options.fetchPath && id !== undefined
        ? base + options.fetchPath.replace('{id}', encodeId(id))
        : link !== undefined
          ? resolveAgainstBase(base, link)
          : undefined;
    if (!url) return undefined;
    const title = selectString(item, mapping.title);
    const snippet = mapping.snippet ? selectString(item, mapping.snippet) : undefined;
    return { url, ...(title ? { title } : {}), ...(snippet ? { snippet } : {}) };
  }

  return {
    name,
    async search(query, ctx) {
      const { json } = await getJson(base + options.searchPath.replace('{query}', encodeURIComponent(query)), ctx);
      const refs: SourceRef[] = [];
      for (const item of selectItems(json, mapping.items)) {
        const ref = refFor(item);
        if (ref) refs.push(ref);
        if (refs.length >= maxResults) break;
      }
      return refs;
    },
    async fetch(ref, ctx): Promise<FetchedDocument> {
      const { json, status, finalUrl, headers } = await getJson(ref.url, ctx);
      const title = (mapping.documentTitle && field(json, mapping.documentTitle)) || ref.title || finalUrl;
      const fields = mapping.text === undefined ? [] : Array.isArray(mapping.text) ? mapping.text : [mapping.text];
      const text = fields.length
        ? fields
            .map((f) => field(json, f))
            .filter((t): t is string => Boolean(t && t.trim()))
            .join('\n\n')
        : JSON.stringify(json, null, 2);
      return {
        url: canonicalizeUrl(finalUrl),
        finalUrl,
        title,
        text,
        fetchedAt: new Date().toISOString(),
        status,
        contentType: headers['content-type'] ?? 'application/json',
        ...(headers.etag ? { etag: headers.etag } : {}),
        ...(headers['last-modified'] ? { lastModified: headers['last-modified'] } : {}),
      };
    },
    close: () => http.close(),
  };
}

function field(json: unknown, spec: JsonField): string | undefined {
  return typeof spec === 'function' ? spec(json) : selectString(json, spec);
}

/** A path-relative link (`items/1`) stays under the API's base path; `/items/1` resolves against its origin. */
function resolveAgainstBase(base: string, link: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(link)) return link;
  return link.startsWith('/') ? new URL(link, base).toString() : `${base}/${link}`;
}
