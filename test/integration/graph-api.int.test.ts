import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyStore } from '../../src/auth/key-store.js';
import { SCOPES } from '../../src/auth/scopes.js';
import { runCypher } from '../../src/graph/driver.js';
import { PROJECT_ROOT } from '../../src/paths.js';
import { seedKnowledgeGraph, type SeededGraph } from '../support/knowledge-graph-fixture.js';
import { deleteTenantGraph, testTenant } from './support/graph-cleanup.js';
import { startPlatform, type Platform } from './support/platform.js';

// Answers are checked by value (toEqual), so their shape is not typed here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Outcome = { data?: Record<string, any>; errors?: { message: string; extensions: { code: string } }[] };

/**
 * Issue 13: the generated knowledge-graph API (@neo4j/graphql over schema/graph.graphql) on the one /graphql
 * endpoint, against the real Neo4j: filtering, sorting, pagination and nested reads; tenant isolation on every
 * generated and custom path; graph:write for blueprint writes.
 */
describe('the knowledge graph API', () => {
  let platform: Platform;
  const tenantB = testTenant('graph-b');
  let a: SeededGraph;
  let b: SeededGraph;
  let keyB: string;
  let keyReadOnly: string;
  const as =
    (key: string) =>
    async (query: string, variables: Record<string, unknown> = {}): Promise<Outcome> => {
      const response = await fetch(`${platform.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as Outcome;
    };
  const asA = (query: string, variables?: Record<string, unknown>) => platform.graphql(query, variables) as Promise<Outcome>;

  beforeAll(async () => {
    platform = await startPlatform();
    [a, b] = await Promise.all([
      seedKnowledgeGraph(platform.runtime, platform.tenant, 'quokka', { evidence: 7 }),
      seedKnowledgeGraph(platform.runtime, tenantB, 'wombat', { evidence: 3 }),
    ]);
    // A relationship across tenants (as a careless write could make): nested reads must not follow it.
    await runCypher(platform.runtime.driver, platform.config.neo4j.database, 'MATCH (e:Evidence {id: $from}), (s:Source {id: $to}) MERGE (e)-[:FROM]->(s)', {
      from: b.evidenceIds[0],
      to: a.sourceIds[0],
    });
    const keys = createKeyStore(platform.runtime.sql);
    keyB = (await keys.create({ name: 'tenant b', tenant: tenantB, scopes: ['*'] })).key;
    keyReadOnly = (await keys.create({ name: 'no graph:write', tenant: platform.tenant, scopes: SCOPES.filter((s) => s !== 'graph:write') })).key;
  }, 60_000);

  afterAll(async () => {
    await platform?.runtime.sql.query('DELETE FROM api_keys WHERE tenant = ANY($1)', [[platform.tenant, tenantB]]);
    if (platform) await deleteTenantGraph(platform.runtime.driver, platform.config.neo4j.database, tenantB);
    await platform?.close();
  });

  it('filters, sorts and paginates generated reads (offset lists and cursor connections)', async () => {
    const list = await asA(
      `query ($w: String!) { graphEvidence(where: { title: { contains: $w } }, sort: [{ title: DESC }], limit: 3, offset: 1) { title } }`,
      { w: 'finding' },
    );
    expect(list.errors).toBeUndefined();
    expect(list.data?.graphEvidence.map((e: { title: string }) => e.title)).toEqual(['quokka finding 005', 'quokka finding 004', 'quokka finding 003']);

    const page = `query ($after: String) {
      graphEvidenceConnection(first: 4, after: $after, where: { title: { startsWith: "quokka finding" } }, sort: [{ title: ASC }]) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { title } }
      }
    }`;
    const first = (await asA(page)).data?.graphEvidenceConnection;
    expect(first.totalCount).toBe(7);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await asA(page, { after: first.pageInfo.endCursor })).data?.graphEvidenceConnection;
    const titles = [...first.edges, ...second.edges].map((e: { node: { title: string } }) => e.node.title);
    expect(titles).toEqual(Array.from({ length: 7 }, (_, i) => `quokka finding 00${i}`));
    expect(second.pageInfo.hasNextPage).toBe(false);
  });

  it('reads nested relationships with their properties: job → evidence (ranked) → source', async () => {
    const outcome = await asA(
      `query ($id: ID!) { graphJobs(where: { id: { eq: $id } }) {
        type
        evidenceConnection(sort: [{ edge: { rank: ASC } }], first: 2) { edges { properties { rank } node { title sources { name } } } }
        documents { path chunks(sort: [{ startLine: ASC }]) { startLine mentions { name } } }
      } }`,
      { id: a.jobId },
    );
    expect(outcome.errors).toBeUndefined();
    const job = outcome.data?.graphJobs[0];
    expect(job.type).toBe('research');
    expect(job.evidenceConnection.edges).toEqual([
      { properties: { rank: 1 }, node: { title: 'quokka finding 000', sources: [{ name: 'site0.example' }] } },
      { properties: { rank: 2 }, node: { title: 'quokka finding 001', sources: [{ name: 'site1.example' }] } },
    ]);
    expect(job.documents).toEqual([
      {
        path: 'src/quokka.ts',
        chunks: [
          { startLine: 1, mentions: [{ name: 'quokkaHandler' }] },
          { startLine: 11, mentions: [] },
        ],
      },
    ]);
  });

  it('applies the query limits to generated reads: nesting beyond depth 12 is BAD_INPUT and nothing runs', async () => {
    const nested = (depth: number): string => (depth === 0 ? 'id' : `id parent { ${nested(depth - 1)} }`);
    const outcome = await asA(`query { graphJobs { ${nested(12)} } }`);
    expect(outcome.errors?.[0]?.extensions.code).toBe('BAD_INPUT');
    expect(outcome.errors?.[0]?.message).toMatch(/^query limit: .*depth/i);
    expect(outcome.data).toBeUndefined();
  });

  describe('tenant isolation', () => {
    it("never shows tenant A's nodes to tenant B through generated reads, by id or by filter", async () => {
      const byId = await as(keyB)(`query ($id: ID!) { graphJobs(where: { id: { eq: $id } }) { id } graphEvidence { id } graphChunks { id } }`, { id: a.jobId });
      expect(byId.errors).toBeUndefined();
      expect(byId.data?.graphJobs).toEqual([]);
      expect(byId.data?.graphEvidence.map((e: { id: string }) => e.id).sort()).toEqual([...b.evidenceIds, b.citingEvidenceId].sort());
      expect(byId.data?.graphChunks.map((c: { id: string }) => c.id).sort()).toEqual([...b.chunkIds].sort());
    });

    it('does not follow a relationship into another tenant on nested reads, either way', async () => {
      const fromB = await as(keyB)(`query ($id: ID!) { graphEvidence(where: { id: { eq: $id } }) { sources { id } } }`, { id: b.evidenceIds[0] });
      expect(fromB.data?.graphEvidence[0].sources.map((s: { id: string }) => s.id)).toEqual([b.sourceIds[0]]);
      const fromA = await asA(`query ($id: ID!) { graphSources(where: { id: { eq: $id } }) { evidence { id } evidenceConnection { totalCount } } }`, {
        id: a.sourceIds[0],
      });
      const ids = fromA.data?.graphSources[0].evidence.map((e: { id: string }) => e.id);
      expect(ids).not.toContain(b.evidenceIds[0]);
      expect(ids.length).toBeGreaterThan(0);
      expect(fromA.data?.graphSources[0].evidenceConnection.totalCount).toBe(ids.length);
    });

    it("finds only the caller's nodes through fulltext queries", async () => {
      const query = `query ($q: String!) { graphEvidenceFulltext(phrase: $q) { edges { node { id } } } }`;
      const own = await asA(query, { q: 'quokka' });
      expect(own.data?.graphEvidenceFulltext.edges.length).toBeGreaterThan(0);
      const other = await as(keyB)(query, { q: 'quokka' });
      expect(other.errors).toBeUndefined();
      expect(other.data?.graphEvidenceFulltext.edges).toEqual([]);
    });

    // @neo4j/graphql 7.6.3 has published advisories on aggregations and authentication (CVE-2026-92684, fixed in
    // 7.6.8, which this registry does not serve yet): counts must stay within the caller's tenant too.
    it('counts only the caller’s nodes in aggregations, at the root and on relationships', async () => {
      const query = `query { graphEvidenceConnection { aggregate { count { nodes } } } graphSources { evidenceConnection { aggregate { count { nodes } } } } }`;
      const fromB = await as(keyB)(query);
      expect(fromB.errors).toBeUndefined();
      expect(fromB.data?.graphEvidenceConnection.aggregate.count.nodes).toBe(b.evidenceIds.length + 1);
      const perSource = fromB.data?.graphSources.map(
        (s: { evidenceConnection: { aggregate: { count: { nodes: number } } } }) => s.evidenceConnection.aggregate.count.nodes,
      );
      expect(perSource.reduce((x: number, y: number) => x + y, 0)).toBeLessThanOrEqual(b.evidenceIds.length + 1);
    });

    it("answers NOT_FOUND for another tenant's node in neighbourhoods and evidence paths", async () => {
      const outcome = await as(keyB)(`query ($id: ID!) { neighborhood(id: $id) { nodes { id } } }`, { id: a.chunkIds[0] });
      expect(outcome.errors?.map((e) => e.extensions.code)).toEqual(['NOT_FOUND']);
      const path = await as(keyB)(`query ($c: ID!) { evidencePath(claimId: $c) { nodes { id } } }`, { c: a.claimId });
      expect(path.errors?.map((e) => e.extensions.code)).toEqual(['NOT_FOUND']);
    });
  });

  it("a chunk's neighbourhood holds its document, the entities it mentions and the evidence that cites it", async () => {
    const outcome = await asA(
      `query ($id: ID!) { neighborhood(id: $id, depth: 1) { nodes { id labels caption } relationships { type source target } truncated } }`,
      { id: a.chunkIds[0] },
    );
    expect(outcome.errors).toBeUndefined();
    const view = outcome.data?.neighborhood;
    const ids = view.nodes.map((n: { id: string }) => n.id);
    expect(ids).toEqual(expect.arrayContaining([a.chunkIds[0], a.documentId, a.entityId, a.citingEvidenceId]));
    expect(ids).not.toContain(a.chunkIds[1]);
    expect(view.relationships).toEqual(
      expect.arrayContaining([
        { type: 'HAS_CHUNK', source: a.documentId, target: a.chunkIds[0] },
        { type: 'MENTIONS', source: a.chunkIds[0], target: a.entityId },
        { type: 'CITES', source: a.citingEvidenceId, target: a.chunkIds[0] },
      ]),
    );
    const deeper = await asA(`query ($id: ID!) { neighborhood(id: $id, depth: 2, labels: ["Document", "Chunk"]) { nodes { id labels } } }`, {
      id: a.chunkIds[0],
    });
    expect(deeper.data?.neighborhood.nodes.map((n: { id: string }) => n.id).sort()).toEqual([...a.chunkIds, a.documentId].sort());
    const tooDeep = await asA(`query ($id: ID!) { neighborhood(id: $id, depth: 4) { truncated } }`, { id: a.chunkIds[0] });
    expect(tooDeep.errors?.[0]?.extensions.code).toBe('BAD_INPUT');
  });

  it("a claim's evidence path goes from the claim through its evidence to sources and the job", async () => {
    const outcome = await asA(`query ($c: ID!) { evidencePath(claimId: $c) { nodes { id labels } relationships { type source target } } }`, { c: a.claimId });
    expect(outcome.errors).toBeUndefined();
    const view = outcome.data?.evidencePath;
    expect(view.nodes.map((n: { id: string }) => n.id)).toEqual(
      expect.arrayContaining([a.claimId, a.evidenceIds[0], a.evidenceIds[1], a.sourceIds[0], a.jobId]),
    );
    expect(view.relationships).toEqual(
      expect.arrayContaining([
        { type: 'SUPPORTS', source: a.evidenceIds[0], target: a.claimId },
        { type: 'FROM', source: a.evidenceIds[0], target: a.sourceIds[0] },
        { type: 'PRODUCED', source: a.jobId, target: a.evidenceIds[0] },
      ]),
    );
  });

  it('serves a Neo4j Browser guide of every saved query without a credential; other origins only once allowed', async () => {
    const response = await fetch(`${platform.url}/neo4j-browser/guide.html`);
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const foreign = await fetch(`${platform.url}/neo4j-browser/guide.html`, { headers: { origin: 'http://127.0.0.1:7474' } });
    expect(foreign.status).toBe(403);
    expect(await foreign.text()).toContain('COGO_ALLOWED_ORIGINS');
    const html = await response.text();
    expect(html).toMatch(/^<article class="guide">/);
    const saved = readdirSync(path.join(PROJECT_ROOT, 'cypher/browser')).filter((f) => f.endsWith('.cypher'));
    for (const file of saved) expect(html, file).toContain(`<h3>${file.replace('.cypher', '')}</h3>`);
    expect(html).toContain('MATCH (d:Document {tenant: $tenant, root: $root, path: $path})');
    expect(html.match(/class="pre-scrollable code runnable"/g)).toHaveLength(saved.length + 1);
  });

  describe('blueprints', () => {
    const propose = `mutation ($input: BlueprintInput!, $jobId: ID) {
      proposeBlueprint(input: $input, jobId: $jobId) { created version { id version status previousId spec documentIds entityIds evidenceIds } }
    }`;
    const spec = (summary: string, exports: string[]) => ({ summary, exports: exports.map((name) => ({ name, kind: 'function' })) });

    it('keeps every version in a PREVIOUS chain, proposes nothing new for the same content, and diffs two versions', async () => {
      const name = `src/quokka.ts@${platform.tenant}`;
      const input = { name, kind: 'module', spec: spec('Handles quokkas.', ['quokkaHandler']), documentIds: [a.documentId], entityIds: [a.entityId] };
      const first = await asA(propose, { input, jobId: a.jobId });
      expect(first.errors).toBeUndefined();
      const v1 = first.data?.proposeBlueprint;
      expect(v1).toMatchObject({ created: true, version: { version: 1, status: 'proposed', previousId: null, documentIds: [a.documentId] } });
      expect((await asA(propose, { input })).data?.proposeBlueprint).toMatchObject({ created: false, version: { id: v1.version.id } });

      const accepted = await asA(`mutation ($id: ID!) { acceptBlueprint(id: $id) { status } }`, { id: v1.version.id });
      expect(accepted.data?.acceptBlueprint.status).toBe('accepted');
      const changed = {
        ...input,
        spec: spec('Handles quokkas and wombats.', ['quokkaHandler', 'wombatHandler']),
        entityIds: [],
        evidenceIds: [a.evidenceIds[0]],
      };
      const v2 = (await asA(propose, { input: changed })).data?.proposeBlueprint;
      expect(v2).toMatchObject({ created: true, version: { version: 2, status: 'proposed', previousId: v1.version.id } });

      const diff = await asA(
        `query ($from: ID!, $to: ID!) { blueprintDiff(fromId: $from, toId: $to) {
          spec { path change before after } entities { added removed } evidence { added removed } } }`,
        { from: v1.version.id, to: v2.version.id },
      );
      expect(diff.data?.blueprintDiff).toEqual({
        spec: [
          { path: 'summary', change: 'changed', before: 'Handles quokkas.', after: 'Handles quokkas and wombats.' },
          { path: 'exports.1', change: 'added', before: null, after: { name: 'wombatHandler', kind: 'function' } },
        ],
        entities: { added: [], removed: [a.entityId] },
        evidence: { added: [a.evidenceIds[0]], removed: [] },
      });

      // The current blueprint is the accepted version until v2 is accepted; its nested reads come from the graph.
      const current = `query ($name: String!) { graphCurrentBlueprint(name: $name) { version status documents { path } previous { version } producedBy { id } } }`;
      expect((await asA(current, { name })).data?.graphCurrentBlueprint).toEqual({
        version: 1,
        status: 'accepted',
        documents: [{ path: 'src/quokka.ts' }],
        previous: [],
        producedBy: [{ id: a.jobId }],
      });
      await asA(`mutation ($id: ID!) { acceptBlueprint(id: $id) { status } }`, { id: v2.version.id });
      expect((await asA(current, { name })).data?.graphCurrentBlueprint).toMatchObject({ version: 2, status: 'accepted', previous: [{ version: 1 }] });
      const history = await asA(`query ($name: String!) { graphBlueprints(where: { name: { eq: $name } }, sort: [{ version: ASC }]) { version status } }`, {
        name,
      });
      expect(history.data?.graphBlueprints).toEqual([
        { version: 1, status: 'superseded' },
        { version: 2, status: 'accepted' },
      ]);
      expect((await as(keyB)(current, { name })).data?.graphCurrentBlueprint).toBeNull();
    });

    it('refuses a spec that does not fit its kind, or links to nodes of another tenant: BAD_INPUT, nothing written', async () => {
      const name = `bad-${platform.tenant}`;
      const wrongSpec = await asA(propose, { input: { name, kind: 'component', spec: { summary: 'x', exports: [] } } });
      expect(wrongSpec.errors?.[0]?.extensions.code).toBe('BAD_INPUT');
      expect(wrongSpec.errors?.[0]?.message).toMatch(/component spec is not valid.*exports/);
      const foreign = await asA(propose, { input: { name, kind: 'module', spec: spec('x', []), documentIds: [b.documentId] } });
      expect(foreign.errors?.[0]?.extensions.code).toBe('BAD_INPUT');
      expect(foreign.errors?.[0]?.message).toContain(`Document ${b.documentId}`);
      expect((await asA(`query ($name: String!) { graphBlueprints(where: { name: { eq: $name } }) { id } }`, { name })).data?.graphBlueprints).toEqual([]);
    });

    it('refuses a key without graph:write: FORBIDDEN, and no version is written', async () => {
      const name = `forbidden-${platform.tenant}`;
      const outcome = await as(keyReadOnly)(propose, { input: { name, kind: 'module', spec: spec('x', []) } });
      expect(outcome.errors?.map((e) => e.extensions.code)).toEqual(['FORBIDDEN']);
      const read = await as(keyReadOnly)(`query ($name: String!) { graphBlueprints(where: { name: { eq: $name } }) { id } }`, { name });
      expect(read.errors).toBeUndefined();
      expect(read.data?.graphBlueprints).toEqual([]);
    });
  });
});
