import { createHttpJsonSource, type HttpJsonSource } from './http-json.js';
import type { Resolver } from './safe-dispatcher.js';

export interface NpmRegistrySourceOptions {
  name?: string;
  /** Any npm-registry-compatible API (registry.npmjs.org, Verdaccio, a test fixture). */
  baseUrl?: string;
  /** A registry token for private registries, sent as `Authorization: Bearer …`. */
  token?: string;
  allowHosts?: readonly string[];
  maxResults?: number;
  readmeChars?: number;
  timeoutMs?: number;
  maxBytes?: number;
  resolve?: Resolver;
}

interface Packument {
  name?: string;
  description?: string;
  'dist-tags'?: { latest?: string };
  readme?: string;
  keywords?: unknown;
  repository?: string | { url?: string; directory?: string };
  homepage?: string;
  license?: string;
}

/**
 * Package metadata as research evidence: the http-json adapter configured for the npm registry API, with
 * functions only where a path cannot express the field (title `name@version`, the composed text).
 */
export function createNpmRegistrySource(options: NpmRegistrySourceOptions = {}): HttpJsonSource {
  const { maxResults = 10, readmeChars = 4000 } = options;
  return createHttpJsonSource({
    name: options.name ?? 'npm',
    baseUrl: options.baseUrl ?? NPM_REGISTRY_URL,
    searchPath: `/-/v1/search?text={query}&size=${maxResults}`,
    fetchPath: '/{id}',
    encodeId: encodePackageName,
    ...(options.token ? { authHeader: { name: 'authorization', envValue: `Bearer ${options.token}` } } : {}),
    mapping: {
      items: '$.objects',
      id: '$.package.name',
      title: '$.package.name',
      snippet: '$.package.description',
      documentTitle: (json) => {
        const pkg = json as Packument;
        const version = pkg['dist-tags']?.latest;
        return pkg.name ? (version ? `${pkg.name}@${version}` : pkg.name) : undefined;
      },
      text: (json) => packageText(json as Packument, readmeChars),
    },
    maxResults,
    allowHosts: options.allowHosts,
    timeoutMs: options.timeoutMs,
    maxBytes: options.maxBytes ?? 5_000_000,
    resolve: options.resolve,
  });
}

export const NPM_REGISTRY_URL = 'https://registry.npmjs.org';

/** Scoped names keep their "@" but escape the slash: the registry routes `/@scope%2fname` as one package. */
export function encodePackageName(name: string): string {
  return encodeURIComponent(name).replace(/^%40/, '@');
}

/** The ref `fetch` takes for one package, for callers that know the name without searching (`npm:<name>` hints). */
export function npmPackageUrl(name: string, baseUrl = NPM_REGISTRY_URL): string {
  return `${baseUrl.replace(/\/+$/, '')}/${encodePackageName(name)}`;
}

export function packageText(pkg: Packument, readmeChars = 4000): string {
  const parts: string[] = [];
  if (pkg.description) parts.push(pkg.description.trim());
  const readme = (pkg.readme ?? '').trim();
  if (readme) parts.push(excerpt(readme, readmeChars));
  const keywords = Array.isArray(pkg.keywords) ? pkg.keywords.filter((k): k is string => typeof k === 'string') : [];
  if (keywords.length) parts.push(`Keywords: ${keywords.join(', ')}`);
  const repository = repositoryUrl(pkg.repository);
  if (repository) parts.push(`Repository: ${repository}`);
  if (pkg.homepage) parts.push(`Homepage: ${pkg.homepage}`);
  if (pkg.license) parts.push(`License: ${pkg.license}`);
  return parts.join('\n\n');
}

/** Cuts at a paragraph boundary when one is near, so the excerpt does not end mid-sentence. */
function excerpt(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.lastIndexOf('\n\n', max);
  return `${text.slice(0, cut > max / 2 ? cut : max).trimEnd()}\n…`;
}

export function repositoryUrl(repository: Packument['repository']): string | undefined {
  const raw = typeof repository === 'string' ? repository : repository?.url;
  if (!raw) return undefined;
  const shorthand = /^(github|gitlab|bitbucket):([\w.-]+\/[\w.-]+)$/.exec(raw) ?? /^()([\w.-]+\/[\w.-]+)$/.exec(raw);
  if (shorthand) return `https://${shorthand[1] || 'github'}${shorthand[1] === 'bitbucket' ? '.org' : '.com'}/${shorthand[2]}`;
  const scp = /^git@([\w.-]+):(.+?)(?:\.git)?$/.exec(raw);
  if (scp) return `https://${scp[1]}/${scp[2]}`;
  return raw
    .replace(/^git\+/, '')
    .replace(/^git:\/\//, 'https://')
    .replace(/^ssh:\/\/git@/, 'https://')
    .replace(/\.git$/, '');
}
