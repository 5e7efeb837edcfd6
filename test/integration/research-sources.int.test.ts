import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraphSource } from '../../agents/research/graph-source.js';
import { unlimitedRateLimiter, type SourceContext } from '../../ingest/sources/types.js';
import type { BusEvent } from '../../src/events/event-types.js';
import { FIXTURE_API_KEY, startFixtureWeb, type FixtureWeb } from '../support/fixture-web.js';
import { startResearchCorpus, type ResearchCorpus } from '../support/research-corpus.js';
import { createResearchWorkers, deleteTestEvidence, researchResult } from '../support/research-workers.js';
import { startPlatform, type Platform } from './support/platform.js';

type Item = { id: string; url: string; title: string; kind: string; source: string; conflictsWith?: string[] };
type Result = { evidence: Item[]; conflicts: { kind: string; ids: string[] }[]; failures: unknown[]; plan: { queries: Record<string, string[]> } };
const resultOf = (events: BusEvent[]) => researchResult<Result>(events);

describe('research sources beyond the web', () => {
  let platform: Platform;
  let web: FixtureWeb;
  let corpus: ResearchCorpus;
  let workers: ReturnType<typeof createResearchWorkers>;
  const tenant = `t-${randomUUID().slice(0, 8)}`;
  const run = (cypher: string, params: Record<string, unknown> = {}) =>
    platform.runtime.driver.executeQuery(cypher, params, { database: platform.config.neo4j.database });

  beforeAll(async () => {
    [platform, web, corpus] = await Promise.all([startPlatform(), startFixtureWeb(), startResearchCorpus()]);
    workers = createResearchWorkers(platform);
    // A `cogo worker` process configured the way users configure it: the npm registry and a JSON API from env,
    // the API's key from the variable the definition names.
    await workers.spawnResearchWorker([`127.0.0.1:${web.port}`, `127.0.0.1:${corpus.port}`], {
      COGO_NPM_REGISTRY_URL: `${web.url}/npm`,
      FIXTURE_KEY: FIXTURE_API_KEY,
      COGO_RESEARCH_APIS: JSON.stringify([
        {
          name: 'fixture',
          baseUrl: `${web.url}/api`,
          searchPath: '/search?q={query}',
          authHeader: { name: 'x-api-key', env: 'FIXTURE_KEY' },
          mapping: { items: '$.results', url: '$.links.self', title: '$.name', snippet: '$.description', text: ['$.description', '$.body'] },
        },
      ]),
    });
    await run(
      `CREATE (:Evidence {id: $p + 'e1', tenant: $t, url: 'https://docs.example/kelp', title: 'Kelp forests', text: 'Kelp forests store blue carbon along rocky coasts.', quote: 'Kelp forests store blue carbon.'}),
              (:Document {id: $p + 'd1', tenant: $t, path: 'notes/kelp.md', title: 'Kelp survey notes'}),
              (:Entity {id: $p + 'x1', tenant: $t, name: 'Giant kelp', description: 'A brown alga that forms kelp forests.'}),
              (:Evidence {id: $p + 'other', tenant: 'someone-else', url: 'https://secret.example/kelp', title: 'Kelp secrets', text: 'Kelp forests in another tenant.'})`,
      { p: `${tenant}-`, t: tenant },
    );
  });
  afterAll(async () => {
    await workers?.stopAll();
    if (platform) {
      await run('MATCH (n) WHERE n.id STARTS WITH $p DETACH DELETE n', { p: `${tenant}-` });
      await deleteTestEvidence(platform, [web.url, corpus.url]);
    }
    await Promise.all([platform?.close(), web?.close(), corpus?.close()]);
  });

  describe('the graph source', () => {
    const source = () => createGraphSource({ driver: platform.runtime.driver, database: platform.config.neo4j.database });
    const ctx = (t?: string): SourceContext => ({ signal: new AbortController().signal, limiter: unlimitedRateLimiter, ...(t ? { tenant: t } : {}) });

    it("finds the tenant's Evidence, Document and Entity nodes by keyword and nothing of other tenants", async () => {
      const refs = await source().search('kelp forests', ctx(tenant));
      expect(refs.map((r) => r.url).sort()).toEqual([`graph://document/${tenant}-d1`, `graph://entity/${tenant}-x1`, `graph://evidence/${tenant}-e1`].sort());
    });

    it('returns the stored text, and the URL evidence was found at', async () => {
      const doc = await source().fetch({ url: `graph://evidence/${tenant}-e1` }, ctx(tenant));
      expect(doc).toMatchObject({ url: 'https://docs.example/kelp', title: 'Kelp forests', text: 'Kelp forests store blue carbon along rocky coasts.' });
      const entity = await source().fetch({ url: `graph://entity/${tenant}-x1` }, ctx(tenant));
      expect(entity).toMatchObject({ title: 'Giant kelp', text: 'A brown alga that forms kelp forests.', url: `graph://entity/${tenant}-x1` });
    });

    it("refuses another tenant's node, a missing tenant and Lucene syntax smuggled into the query", async () => {
      await expect(source().fetch({ url: `graph://evidence/${tenant}-other` }, ctx(tenant))).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(source().search('kelp', ctx())).rejects.toMatchObject({ code: 'BAD_INPUT' });
      expect(await source().search('tenant:someone-else OR *:* AND "kelp', ctx('nobody'))).toEqual([]);
    });
  });

  it('gathers npm packages, a configured JSON API and the graph by hint, each through its own policies', async () => {
    const jobId = await workers.enqueue({ question: 'tidal queue', sources: ['npm:tiny-queue', 'npm', 'api:fixture', 'graph', 'npm:Bad Name'] });
    const result = resultOf(await workers.finished(jobId));
    const byKind = (kind: string) => result.evidence.filter((e) => e.kind === kind);
    expect(
      byKind('npm')
        .map((e) => e.title)
        .sort(),
    ).toEqual(['@cogo/graph-utils@0.4.0', 'tiny-queue@2.3.1']);
    expect(result.plan.queries).toEqual({ npm: ['tidal queue', 'tidal', 'queue'], 'api:fixture': ['tidal queue', 'tidal', 'queue'], graph: ['tidal queue'] });
    // The API needs its key (from options, never from the job) and maps its JSON to evidence.
    expect(byKind('api')).toEqual([expect.objectContaining({ title: 'Tidal power primer', url: `${web.url}/api/items/1` })]);
    expect(result.failures).toEqual([expect.objectContaining({ op: 'hint', code: 'BAD_INPUT', target: 'npm:Bad Name' })]);
    expect(web.hits('/npm/tiny-queue')).toBe(1);
  });

  it("answers `evidence` reads for the caller's tenant only, and refuses reads without jobId or query", async () => {
    const kelp = await platform.graphql<{ evidence: { id: string }[] }>('{ evidence(query: "kelp forests") { id } }');
    expect(kelp.errors).toBeUndefined();
    expect(kelp.data!.evidence.map((e) => e.id)).not.toContain(`${tenant}-e1`);
    for (const query of ['{ evidence { id } }', '{ evidence(query: "kelp", first: 0) { id } }', '{ evidence(query: "!!") { id } }']) {
      const refused = await platform.graphql(query);
      expect(refused.errors?.[0]?.extensions.code).toBe('BAD_INPUT');
    }
  });

  it('reads back stored evidence from the graph, keeps its provenance, and marks a page that changed since', async () => {
    const first = resultOf(await workers.finished(await workers.enqueue({ question: 'live tidal bulletin', sources: [`${corpus.url}/live`] })));
    expect(first.evidence).toHaveLength(1);
    const stored = first.evidence[0]!;

    const jobId = await workers.enqueue({ question: 'live tidal bulletin', sources: ['graph', `${corpus.url}/live`] });
    const result = resultOf(await workers.finished(jobId));
    const fromGraph = result.evidence.find((e) => e.kind === 'graph' && e.url === stored.url);
    const fresh = result.evidence.find((e) => e.kind === 'web' && e.url === stored.url);
    expect(fromGraph?.id).toBe(stored.id);
    expect(fresh && fresh.id !== stored.id).toBe(true);
    expect(result.conflicts).toEqual([expect.objectContaining({ kind: 'content-changed', ids: expect.arrayContaining([stored.id, fresh!.id]) })]);
    expect(fromGraph?.conflictsWith).toEqual([fresh!.id]);
    const rows = await run('MATCH (e:Evidence {id: $id})-[:FROM]->(s:Source) RETURN s.kind AS kind', { id: stored.id });
    expect(rows.records.map((r) => r.get('kind'))).toEqual(['web']);
  });
});
