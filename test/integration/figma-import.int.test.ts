import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkers } from '../../src/app.js';
import { runCypher } from '../../src/graph/driver.js';
import type { WorkerHost } from '../../src/queue/worker-host.js';
import { writeFigmaFile } from '../support/figma-fixture.js';
import { startPlatform, waitUntil, type Platform } from './support/platform.js';

interface Row {
  figmaId: string;
  type: string;
  name: string;
  characters: string | null;
  version: string;
  parent: string | null;
  component: string | null;
}

/** Issue 13: a Figma file's JSON imported into Design / DesignNode on the indexing queue, incrementally. */
describe('Figma import', () => {
  let platform: Platform;
  let worker: WorkerHost;
  let folder: string;
  const fileKey = 'AcmeKey123';

  const runImport = async (file: string, extra: Record<string, unknown> = {}) => {
    const outcome = await platform.graphql<{ enqueueIndexing: { jobId: string } }>(
      'mutation ($input: IndexingInput!) { enqueueIndexing(input: $input) { jobId } }',
      { input: { figma: { path: file, fileKey, ...extra } } },
    );
    expect(outcome.errors).toBeUndefined();
    const jobId = outcome.data?.enqueueIndexing.jobId as string;
    const done = await waitUntil(
      async () =>
        (await platform.runtime.events.read({ kind: 'job', jobId }, undefined, 1000)).find((e) => e.type === 'indexing.done' || e.type === 'job.dead'),
      30_000,
    );
    return done;
  };
  const importFile = async (file: string, extra: Record<string, unknown> = {}) => {
    const done = await runImport(file, extra);
    expect(done.type).toBe('indexing.done');
    return done.data.result as Record<string, number | boolean | string>;
  };
  const nodes = async () =>
    runCypher<Row>(
      platform.runtime.driver,
      platform.config.neo4j.database,
      `MATCH (:Design {tenant: $tenant, fileKey: $fileKey})-[:HAS_NODE]->(n:DesignNode)
       OPTIONAL MATCH (n)-[:CHILD_OF]->(p:DesignNode) OPTIONAL MATCH (n)-[:INSTANCE_OF]->(c:DesignNode)
       RETURN n.figmaId AS figmaId, n.type AS type, n.name AS name, n.characters AS characters, n.version AS version,
              p.figmaId AS parent, c.figmaId AS component ORDER BY figmaId`,
      { tenant: platform.tenant, fileKey },
    );

  beforeAll(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'cogo-figma-'));
    platform = await startPlatform();
    worker = await startWorkers(platform.runtime, ['indexing']);
  });
  afterAll(async () => {
    await worker?.close();
    await platform?.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('imports pages, frames, components, instances and texts with their structure, and no vector shapes', async () => {
    const file = path.join(folder, 'v1.json');
    await writeFigmaFile(file, { version: '100', lastModified: '2026-11-01T10:00:00Z' });
    const result = await importFile(file);
    expect(result).toMatchObject({ kind: 'figma-import', unchanged: false, deleted: 0 });
    const rows = await nodes();
    const byId = new Map(rows.map((r) => [r.figmaId, r]));
    expect(rows.length).toBe(result.nodes);
    expect(rows.map((r) => r.type)).not.toContain('VECTOR');
    expect(rows.map((r) => r.type)).not.toContain('RECTANGLE');
    expect(byId.get('0:1')).toMatchObject({ type: 'CANVAS', name: 'Onboarding', parent: '0:0' });
    expect(byId.get('10:4')).toMatchObject({ type: 'INSTANCE', parent: '10:1', component: '1:11' });
    expect(byId.get('I10:4;1:3')).toMatchObject({ type: 'TEXT', characters: 'Sign in', parent: '10:4' });
    expect(byId.get('1:11')).toMatchObject({ type: 'COMPONENT', parent: '1:10' });
    // The same version again: nothing to do.
    expect(await importFile(file)).toMatchObject({ unchanged: true, written: 0 });
  });

  it('a re-import of a changed file writes only the changed nodes and deletes the removed ones', async () => {
    const before = new Map((await nodes()).map((r) => [r.figmaId, r]));
    const file = path.join(folder, 'v2.json');
    await writeFigmaFile(file, { version: '101', lastModified: '2026-11-02T10:00:00Z', signInLabel: 'Log in', dangerZone: false, secondaryButton: true });
    const result = await importFile(file);
    // Changed: the label text; added: the Back button and its label; removed: the danger zone, its text, its instance and that instance's label.
    expect(result).toMatchObject({ unchanged: false, written: 3, deleted: 4 });
    const after = await nodes();
    const touched = after
      .filter((r) => r.version === '101')
      .map((r) => r.figmaId)
      .sort();
    expect(touched).toEqual(['11:4', 'I10:4;1:3', 'I11:4;1:3']);
    expect(after.find((r) => r.figmaId === 'I10:4;1:3')?.characters).toBe('Log in');
    expect(after.find((r) => r.figmaId === '11:4')).toMatchObject({ parent: '11:1', component: '1:12' });
    expect(after.map((r) => r.figmaId)).not.toContain('20:6');
    expect(after.length).toBe(before.size - 4 + 2);
    // Everything else kept its links.
    expect(after.find((r) => r.figmaId === '20:5')).toMatchObject({ version: '100', parent: '20:3', component: '1:11' });
  });

  it('links components to the component blueprints they implement, by name or by mapping', async () => {
    const propose = 'mutation ($input: BlueprintInput!) { proposeBlueprint(input: $input) { version { id } } }';
    const spec = { summary: 'A text input.', props: [{ name: 'value', type: 'string' }] };
    await platform.graphql(propose, { input: { name: 'Input', kind: 'component', spec } });
    await platform.graphql(propose, { input: { name: 'PrimaryButton', kind: 'component', spec: { summary: 'The main action.' } } });
    const file = path.join(folder, 'v2.json');
    await importFile(file, { mapping: { 'Variant=Primary': 'PrimaryButton' }, force: true });
    const outcome = await platform.graphql<{ graphDesignNodes: Array<{ figmaId: string; implements: Array<{ name: string }> }> }>(
      `query { graphDesignNodes(where: { type: { eq: "COMPONENT" } }, sort: [{ figmaId: ASC }]) { figmaId implements { name } } }`,
    );
    expect(outcome.data?.graphDesignNodes).toEqual([
      { figmaId: '1:11', implements: [{ name: 'PrimaryButton' }] },
      { figmaId: '1:12', implements: [] },
      { figmaId: '1:20', implements: [{ name: 'Input' }] },
    ]);
  });

  it('refuses a file outside the allowed roots and a file that is not a Figma response', async () => {
    const outside = await platform.graphql('mutation ($input: IndexingInput!) { enqueueIndexing(input: $input) { jobId } }', {
      input: { figma: { path: '/etc/passwd', fileKey } },
    });
    expect(outside.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    const notFigma = path.join(folder, 'not-figma.json');
    await writeFile(notFigma, JSON.stringify({ name: 'x', document: { id: '0:0' } }));
    const failed = await runImport(notFigma);
    expect(failed.type).toBe('job.dead');
    expect(JSON.stringify(failed.data)).toMatch(/BAD_INPUT.*not a Figma file response/);
  });
});
