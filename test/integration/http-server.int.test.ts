import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi } from '../../src/app.js';
import { closeRuntime, createRuntime, migrateAll, type Runtime } from '../../src/runtime.js';
import { createLogger } from '../../src/observability/logger.js';
import { DOCS_DIR } from '../../src/server/docs-route.js';
import type { HttpServer } from '../../src/server/http-server.js';
import { testConfig, testDatabaseUrl } from './support/services.js';

describe('the HTTP server on the real services', () => {
  const config = testConfig({ COGO_MAX_PAYLOAD_BYTES: '4096', DATABASE_URL: testDatabaseUrl() });
  let runtime: Runtime;
  let server: HttpServer;
  let url: string;

  beforeAll(async () => {
    runtime = await createRuntime(config, createLogger({ level: 'silent' }));
    await migrateAll(runtime);
    ({ server, url } = await startApi(runtime));
  });
  afterAll(async () => {
    await server?.close();
    await closeRuntime(runtime);
  });

  const graphql = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  it('GET /healthz answers while the process is alive', async () => {
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true });
  });

  it('GET /readyz reports Redis, Neo4j and pgvector with their versions', async () => {
    const response = await fetch(`${url}/readyz`);
    const body = (await response.json()) as { ok: boolean; checks: Record<string, { ok: boolean; version: string; detail?: string }> };
    expect(response.status).toBe(200);
    expect(body.ok).toBe(true);
    expect(body.checks.redis?.version).toMatch(/^\d+\.\d+/);
    expect(body.checks.neo4j?.version).toMatch(/^5\.26\./);
    expect(body.checks.neo4j?.detail).toMatch(/community/i);
    expect(body.checks.postgres?.version).toMatch(/^pgvector 0\.\d+/);
  });

  it('answers the health query over GraphQL', async () => {
    const response = await graphql({ query: '{ health { status version dependencies { name ok } } }' });
    const body = (await response.json()) as { data: { health: { status: string; dependencies: { name: string; ok: boolean }[] } } };
    expect(body.data.health.status).toBe('ok');
    expect(body.data.health.dependencies.map((d) => d.name).sort()).toEqual(['neo4j', 'postgres', 'redis']);
  });

  it('answers a malformed query with BAD_INPUT in extensions', async () => {
    const response = await graphql({ query: '{ health { nope } }' });
    const body = (await response.json()) as { errors: { extensions: { code: string; via: string } }[] };
    expect(body.errors[0]?.extensions).toMatchObject({ code: 'BAD_INPUT', via: 'graphql' });
  });

  it('refuses a body over COGO_MAX_PAYLOAD_BYTES with PAYLOAD_TOO_LARGE', async () => {
    const response = await graphql({ query: `{ health { status } } # ${'x'.repeat(8000)}` });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ ok: false, code: 'PAYLOAD_TOO_LARGE', via: 'http' });
  });

  it('serves Prometheus metrics: process defaults, queue depths and events by type', async () => {
    await runtime.events.publish({ kind: 'system' }, { type: 'test.metric' });
    const response = await fetch(`${url}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/^cogo_process_cpu_seconds_total /m);
    expect(text).toMatch(/^cogo_queue_jobs\{queue="research",state="waiting"\} \d+/m);
    expect(text).toMatch(/^cogo_events_total\{type="test.metric"\} 1$/m);
  });

  it('answers an unknown route with NOT_FOUND in the REST error shape', async () => {
    const response = await fetch(`${url}/v1/nothing`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  });

  it('serves GraphiQL and all its assets from this server, with no CDN', async () => {
    const redirect = await fetch(`${url}/graphiql`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const page = await (await fetch(`${url}/graphiql/`)).text();
    expect(page).toContain('<div id');
    const assets = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string).filter((a) => !a.startsWith('data:'));
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const asset of assets) {
      expect(asset.startsWith('./')).toBe(true);
      expect((await fetch(new URL(asset, `${url}/graphiql/`))).status).toBe(200);
    }
  });

  it('sends a browser at / to the dashboard and at /graphql to the local GraphiQL; programs still reach the API at /graphql', async () => {
    const page = { accept: 'text/html,application/xhtml+xml' };
    for (const [path, location] of [
      ['/', '/dashboard/'],
      ['/graphql', '/graphiql/'],
    ]) {
      const response = await fetch(`${url}${path}`, { headers: page, redirect: 'manual' });
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe(location);
    }
    const query = await fetch(`${url}/graphql?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect(await query.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('serves the docs: an index of every docs/*.md, each rendered to HTML with links between them, nothing outside the list', async () => {
    const redirect = await fetch(`${url}/docs`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('/docs/');
    const index = await fetch(`${url}/docs/`);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const links = [...(await index.text()).matchAll(/<li><a href="([^"]+)">([^<]+)<\/a>/g)].map((m) => [m[1], m[2]]);
    const files = (await readdir(DOCS_DIR)).filter((f) => f.endsWith('.md')).sort();
    expect(links.map(([href]) => href)).toEqual(files.map((f) => `/docs/${f}`));
    expect(links).toContainEqual(['/docs/runbook.md', 'Runbook']);
    const doc = await fetch(`${url}/docs/api.md`);
    expect(doc.status).toBe(200);
    expect(doc.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await doc.text();
    // Rendered, not served as text: headings, tables and code blocks of api.md become HTML with the local stylesheet.
    expect(html).toContain('<link rel="stylesheet" href="/docs/style.css">');
    expect(html).toMatch(/<h1 id="[a-z0-9-]+">/);
    expect(html).toContain('<table>');
    expect(html).toMatch(/<pre><code class="language-sh">/);
    // api.md cites the runbook as `docs/runbook.md`: that is a link to its page now.
    expect(html).toContain('<a href="/docs/runbook.md"><code>docs/runbook.md</code></a>');
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1|localhost)[^"]*\.(css|js)"/);
    const css = await fetch(`${url}/docs/style.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await css.text()).toContain('pre {');
    for (const name of ['nothing.md', '..%2Fpackage.json', '%2E%2E%2FREADME.md']) {
      const missing = await fetch(`${url}/docs/${name}`);
      expect(missing.status, name).toBe(404);
      expect(await missing.json()).toMatchObject({ ok: false, code: 'NOT_FOUND', error: expect.stringContaining('the list is at /docs/') });
    }
  });
});
