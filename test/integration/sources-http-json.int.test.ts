import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHttpJsonSource, type HttpJsonSource, type HttpJsonSourceOptions } from '../../ingest/sources/http-json.js';
import { createNpmRegistrySource } from '../../ingest/sources/npm-registry.js';
import { unlimitedRateLimiter, type SourceContext } from '../../ingest/sources/types.js';
import { FIXTURE_API_KEY, startFixtureWeb, type FixtureWeb } from '../support/fixture-web.js';

let web: FixtureWeb;
const opened: HttpJsonSource[] = [];

beforeAll(async () => {
  web = await startFixtureWeb();
});
beforeEach(() => web.reset());
afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
  await web.close();
});

const logLines: string[] = [];
const ctx = (extra: Partial<SourceContext> = {}): SourceContext => ({
  signal: new AbortController().signal,
  limiter: unlimitedRateLimiter,
  logger: {
    debug: (o, m) => logLines.push(JSON.stringify({ o, m })),
    warn: (o, m) => logLines.push(JSON.stringify({ o, m })),
  },
  ...extra,
});

function docsApi(overrides: Partial<HttpJsonSourceOptions> = {}): HttpJsonSource {
  const source = createHttpJsonSource({
    name: 'docs-api',
    baseUrl: `${web.url}/api`,
    searchPath: '/search?q={query}',
    authHeader: { name: 'x-api-key', envValue: FIXTURE_API_KEY },
    mapping: { items: '$.results', url: '$.links.self', title: '$.name', snippet: '$.description', text: ['$.name', '$.body'] },
    allowHosts: [`127.0.0.1:${web.port}`],
    ...overrides,
  });
  opened.push(source);
  return source;
}

describe('http-json source', () => {
  it('maps search hits to refs and fetched JSON to a document by configuration alone', async () => {
    const api = docsApi();
    const refs = await api.search('tidal', ctx());
    expect(refs).toEqual([{ url: `${web.url}/api/items/1`, title: 'Tidal power primer', snippet: 'How tidal stream turbines work' }]);
    const doc = await api.fetch(refs[0]!, ctx());
    expect(doc).toMatchObject({
      title: 'Tidal power primer',
      text: 'Tidal power primer\n\nTides are predictable.',
      status: 200,
      url: `${web.url}/api/items/1`,
    });
  });

  it('fills {id} in fetchPath when the mapping names an id', async () => {
    const api = docsApi({ fetchPath: '/items/{id}', mapping: { items: '$.results[*]', id: '$.id', title: '$.name' } });
    const refs = await api.search('wave', ctx());
    expect(refs.map((r) => r.url)).toEqual([`${web.url}/api/items/2`]);
    expect(JSON.parse((await api.fetch(refs[0]!, ctx())).text)).toMatchObject({ id: 2, body: 'Waves are not.' });
  });

  it('reports refused credentials as FORBIDDEN without revealing the secret', async () => {
    const secret = 'sk-live-do-not-leak-123';
    const api = docsApi({ authHeader: { name: 'x-api-key', envValue: secret } });
    const error = await api.search('tidal', ctx()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'FORBIDDEN', retryable: false, via: 'docs-api' });
    const shown = JSON.stringify({ message: (error as Error).message, details: (error as { details?: unknown }).details });
    expect(shown).not.toContain(secret);
    expect(logLines.join('\n')).not.toContain(secret);
  });

  it('takes the credential from ctx.credentials when configured so', async () => {
    const api = docsApi({ authHeader: { name: 'x-api-key', envValue: 'wrong', credentialKey: 'docsApiKey' } });
    expect(await api.search('tidal', ctx({ credentials: { docsApiKey: FIXTURE_API_KEY } }))).toHaveLength(1);
  });

  it('does not carry the auth header across a redirect to another origin', async () => {
    const secretPort = new URL(web.secretUrl).port;
    const api = docsApi({ allowHosts: [`127.0.0.1:${web.port}`, `127.0.0.1:${secretPort}`] });
    await expect(api.fetch({ url: `${web.url}/api/redirect-away` }, ctx())).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', retryable: false });
    expect(web.secretRequests).toHaveLength(1);
    expect(web.secretRequests[0]?.['x-api-key']).toBeUndefined();
    expect(web.hits('/api/redirect-away')).toBe(1);
  });

  it('is subject to the SSRF guard like the web source', async () => {
    await expect(docsApi({ allowHosts: [] }).search('tidal', ctx())).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(web.totalHits()).toBe(0);
  });
});

describe('npm registry source', () => {
  const npm = () => {
    const source = createNpmRegistrySource({ baseUrl: `${web.url}/npm`, allowHosts: [`127.0.0.1:${web.port}`] });
    opened.push(source);
    return source;
  };

  it('searches packages and links each hit to its packument', async () => {
    const refs = await npm().search('queue', ctx());
    expect(refs).toEqual([
      { url: `${web.url}/npm/tiny-queue`, title: 'tiny-queue', snippet: 'A tiny FIFO queue with O(1) push and shift' },
      { url: `${web.url}/npm/@cogo%2Fgraph-utils`, title: '@cogo/graph-utils', snippet: 'Graph traversal helpers for knowledge graphs' },
    ]);
  });

  it('fetches a package as name@version with description, readme, keywords and repository', async () => {
    const doc = await npm().fetch({ url: `${web.url}/npm/tiny-queue` }, ctx());
    expect(doc.title).toBe('tiny-queue@2.3.1');
    expect(doc.text).toContain('A tiny FIFO queue with O(1) push and shift');
    expect(doc.text).toContain('A queue that never copies its backing array.');
    expect(doc.text).toContain('Keywords: queue, fifo');
    expect(doc.text).toContain('Repository: https://github.com/example/tiny-queue');
  });

  it('fetches a scoped package through its search ref', async () => {
    const source = npm();
    const [scoped, ...others] = await source.search('graph', ctx());
    expect(others).toEqual([]);
    const doc = await source.fetch(scoped!, ctx());
    expect(doc.title).toBe('@cogo/graph-utils@0.4.0');
    expect(doc.text).toContain('Repository: https://github.com/example/graph-utils');
  });

  it('reports an unknown package as NOT_FOUND', async () => {
    await expect(npm().fetch({ url: `${web.url}/npm/no-such-package` }, ctx())).rejects.toMatchObject({ code: 'NOT_FOUND', via: 'npm' });
  });
});
