import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import neo4j from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraphDriver } from '../../src/graph/driver.js';
import { migrateGraph } from '../../src/graph/migrate.js';
import { PROJECT_ROOT } from '../../src/paths.js';
import { deleteTenantGraph, testTenant } from './support/graph-cleanup.js';
import { testConfig } from './support/services.js';

const DIR = path.join(PROJECT_ROOT, 'cypher/browser');

/** A saved query as Neo4j Browser runs it: `:param name => value;` lines, then one statement. */
function savedQuery(file: string): { declared: string[]; statement: string } {
  const lines = readFileSync(path.join(DIR, file), 'utf8')
    .split('\n')
    .filter((l) => !l.startsWith('//') && l.trim());
  const declared = lines.filter((l) => l.startsWith(':param ')).map((l) => /^:param (\w+) =>/.exec(l)![1]!);
  const statement = lines
    .filter((l) => !l.startsWith(':'))
    .join('\n')
    .replace(/;\s*$/, '');
  return { declared, statement };
}

describe('saved Neo4j Browser queries (cypher/browser)', () => {
  const config = testConfig();
  const driver = createGraphDriver(config.neo4j);
  const tenant = testTenant('browser-queries');
  const id = (name: string) => `${tenant}-${name}`;
  const run = async (file: string, params: Record<string, unknown>) => {
    const { declared, statement } = savedQuery(file);
    // The header's :param lines are what the statement needs: no more, no fewer.
    expect(new Set(declared)).toEqual(new Set([...statement.matchAll(/\$(\w+)/g)].map((m) => m[1])));
    const result = await driver.executeQuery(statement, params, { database: config.neo4j.database });
    return result.records.map((r) => r.toObject());
  };

  beforeAll(async () => {
    await migrateGraph(driver, config.neo4j.database);
    await driver.executeQuery(
      `CREATE (p:Job {id: $p, tenant: $t, type: 'research', status: 'completed', attempts: 1, enqueuedAt: '2026-01-01T00:00:00Z', createdAt: datetime()}),
              (j:Job {id: $j, tenant: $t, type: 'research', status: 'completed', attempts: 1, enqueuedAt: '2026-01-01T00:00:01Z', createdAt: datetime()}),
              (f:Job {id: $f, tenant: $t, type: 'execute', status: 'dead', attempts: 3, enqueuedAt: '2026-01-01T00:00:02Z', createdAt: datetime(),
                      finishedAt: '2026-01-01T00:00:09Z', errorJson: '{"code":"UPSTREAM_UNAVAILABLE"}'}),
              (j)-[:CHILD_OF]->(p),
              (e1:Evidence {id: $e1, tenant: $t, title: 'Output 34 GWh', url: 'https://a.example/x', quote: '34 GWh', retrievedAt: '2026-01-01'}),
              (e2:Evidence {id: $e2, tenant: $t, title: 'Output 43 GWh', url: 'https://b.example/x', quote: '43 GWh', retrievedAt: '2026-01-01'}),
              (s:Source {id: $s, tenant: $t, kind: 'web', name: 'a.example', url: 'https://a.example'}),
              (j)-[:PRODUCED {rank: 1, score: 0.9, conflictsWith: [$e2]}]->(e1),
              (j)-[:PRODUCED {rank: 2, score: 0.5, conflictsWith: [$e1]}]->(e2),
              (e1)-[:FROM]->(s),
              (claim:Claim {id: $claim, tenant: $t, text: 'Output was 34 GWh.', status: 'disputed', supporters: 2, createdAt: datetime()}),
              (e1)-[:SUPPORTS {numbers: '34', says: 'Output was 34 GWh.'}]->(claim), (e2)-[:SUPPORTS {numbers: '43', says: 'Output was 43 GWh.'}]->(claim),
              (d:Document {id: $d, tenant: $t, root: '/a', path: 'src/thing.ts'}), (d2:Document {id: $d2, tenant: $t, root: '/a', path: 'src/other.ts'}),
              (c:Chunk {id: $c, tenant: $t, startLine: 1, endLine: 9}), (x:Entity {id: $x, tenant: $t, root: '/a', name: 'startThing', kind: 'function'}),
              (d)-[:HAS_CHUNK]->(c), (d)-[:DEFINES]->(x), (d)-[:IMPORTS]->(d2), (c)-[:MENTIONS]->(x),
              (db:Document {id: $db, tenant: $t, root: '/b', path: 'src/thing.ts'}), (xb:Entity {id: $xb, tenant: $t, root: '/b', name: 'startThing'}),
              (db)-[:DEFINES]->(xb),
              (b1:Blueprint {id: $b1, tenant: $t, name: 'src/thing.ts', kind: 'module', version: 1, status: 'superseded'}),
              (b2:Blueprint {id: $b2, tenant: $t, name: 'src/thing.ts', kind: 'module', version: 2, status: 'accepted'}),
              (b3:Blueprint {id: $b3, tenant: $t, name: 'src/thing.ts', kind: 'module', version: 3, status: 'proposed'}),
              (b3)-[:PREVIOUS]->(b2), (b2)-[:PREVIOUS]->(b1), (b2)-[:DESCRIBES]->(d), (b2)-[:CITES]->(e1),
              (dz:Design {id: $dz, tenant: $t, fileKey: 'K1'}), (pg:DesignNode {id: $pg, tenant: $t, fileKey: 'K1', type: 'CANVAS'}),
              (fr:DesignNode {id: $fr, tenant: $t, fileKey: 'K1', type: 'FRAME'}), (inst:DesignNode {id: $inst, tenant: $t, fileKey: 'K1', type: 'INSTANCE'}),
              (comp:DesignNode {id: $comp, tenant: $t, fileKey: 'K1', type: 'COMPONENT'}),
              (dz)-[:HAS_NODE]->(pg), (dz)-[:HAS_NODE]->(fr), (dz)-[:HAS_NODE]->(inst), (dz)-[:HAS_NODE]->(comp),
              (fr)-[:CHILD_OF]->(pg), (inst)-[:CHILD_OF]->(fr), (inst)-[:INSTANCE_OF]->(comp), (comp)-[:IMPLEMENTS]->(b2)`,
      {
        t: tenant,
        p: id('parent'),
        j: id('job'),
        f: id('failed'),
        e1: id('e1'),
        e2: id('e2'),
        s: id('s'),
        claim: id('claim'),
        d: id('d'),
        d2: id('d2'),
        c: id('c'),
        x: id('x'),
        db: id('db'),
        xb: id('xb'),
        b1: id('b1'),
        b2: id('b2'),
        b3: id('b3'),
        dz: id('dz'),
        pg: id('pg'),
        fr: id('fr'),
        inst: id('inst'),
        comp: id('comp'),
      },
      { database: config.neo4j.database },
    );
  });
  afterAll(async () => {
    await deleteTenantGraph(driver, config.neo4j.database, tenant);
    await driver.close();
  });

  it('has a test here for every saved query', () => {
    expect(
      readdirSync(DIR)
        .filter((f) => f.endsWith('.cypher'))
        .sort(),
    ).toEqual([
      'blueprint.cypher',
      'design-tree.cypher',
      'disputed-claims.cypher',
      'document-structure.cypher',
      'entity-neighbourhood.cypher',
      'evidence-conflicts.cypher',
      'failed-jobs.cypher',
      'job-evidence.cypher',
      'job-lineage.cypher',
      'recent-jobs.cypher',
    ]);
  });

  it('recent-jobs lists the tenant’s jobs newest first with what they produced', async () => {
    const rows = await run('recent-jobs.cypher', { tenant, limit: neo4j.int(10) });
    expect(rows.map((r) => [r.job, Number(r.produced)])).toEqual([
      [id('failed'), 0],
      [id('job'), 2],
      [id('parent'), 0],
    ]);
  });

  it('job-lineage shows the parent and what the job produced', async () => {
    const rows = await run('job-lineage.cypher', { tenant, jobId: id('job') });
    const endIds = rows.flatMap((r) => [r.family, r.produced].filter(Boolean).map((p) => (p as neo4j.Path).end.properties.id));
    expect(new Set(endIds)).toEqual(new Set([id('parent'), id('e1'), id('e2')]));
  });

  it('job-evidence ranks the evidence and names its sources', async () => {
    const rows = await run('job-evidence.cypher', { tenant, jobId: id('job') });
    expect(rows.map((r) => [Number(r.rank), r.title, r.sources])).toEqual([
      [1, 'Output 34 GWh', ['a.example']],
      [2, 'Output 43 GWh', []],
    ]);
  });

  it('evidence-conflicts shows each contradicting pair once', async () => {
    const rows = await run('evidence-conflicts.cypher', { tenant, jobId: id('job') });
    expect(rows).toHaveLength(1);
    expect(new Set([rows[0]!.says, rows[0]!.otherSays])).toEqual(new Set(['34 GWh', '43 GWh']));
  });

  it('disputed-claims shows each disputed claim with what every page says', async () => {
    const rows = await run('disputed-claims.cypher', { tenant, limit: neo4j.int(25) });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.claim).toBe('Output was 34 GWh.');
    expect((rows[0]!.pages as { numbers: string }[]).map((p) => p.numbers).sort()).toEqual(['34', '43']);
  });

  it('failed-jobs lists the dead job with its error', async () => {
    const rows = await run('failed-jobs.cypher', { tenant });
    expect(rows).toEqual([expect.objectContaining({ job: id('failed'), status: 'dead', error: '{"code":"UPSTREAM_UNAVAILABLE"}' })]);
  });

  it('document-structure and entity-neighbourhood draw the indexed code graph of one root (same-named files of two roots apart)', async () => {
    const docs = await run('document-structure.cypher', { tenant, root: '/a', path: 'src/thing.ts' });
    expect(docs).toHaveLength(1);
    expect([docs[0]!.chunks, docs[0]!.defines, docs[0]!.imports].map((p) => (p as neo4j.Path).end.properties.id)).toEqual([id('c'), id('x'), id('d2')]);
    const other = await run('document-structure.cypher', { tenant, root: '/b', path: 'src/thing.ts' });
    expect(other.map((r) => (r.d as neo4j.Node).properties.id)).toEqual([id('db')]);
    const entities = await run('entity-neighbourhood.cypher', { tenant, root: '/a', name: 'startThing' });
    expect(entities).toHaveLength(1);
    expect([(entities[0]!.defined as neo4j.Path).start.properties.id, (entities[0]!.mentioned as neo4j.Path).start.properties.id]).toEqual([id('d'), id('c')]);
    expect(await run('document-structure.cypher', { tenant: 'someone-else', root: '/a', path: 'src/thing.ts' })).toEqual([]);
  });

  it('blueprint shows the accepted version with its code, evidence, designs and history', async () => {
    const rows = await run('blueprint.cypher', { tenant, name: 'src/thing.ts' });
    expect(new Set(rows.map((r) => (r.b as neo4j.Node).properties.id))).toEqual(new Set([id('b2')]));
    const ends = (key: string) => new Set(rows.map((r) => (r[key] as neo4j.Path | null)?.end.properties.id).filter(Boolean));
    expect(ends('code')).toEqual(new Set([id('d')]));
    expect(ends('cites')).toEqual(new Set([id('e1')]));
    expect(ends('history')).toEqual(new Set([id('b1')]));
    expect(new Set(rows.map((r) => (r.designs as neo4j.Path | null)?.start.properties.id))).toEqual(new Set([id('comp')]));
  });

  it("design-tree shows a Figma file's pages, frames and the components instances use", async () => {
    const rows = await run('design-tree.cypher', { tenant, fileKey: 'K1' });
    const ends = (key: string) => new Set(rows.map((r) => (r[key] as neo4j.Path | null)?.end.properties.id).filter(Boolean));
    expect(ends('tree')).toEqual(new Set([id('fr'), id('inst')]));
    expect(new Set(rows.map((r) => (r.uses as neo4j.Path | null)?.end.properties.id))).toEqual(new Set([id('comp')]));
  });
});
