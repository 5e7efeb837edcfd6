import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkers } from '../../src/app.js';
import { runCypher } from '../../src/graph/driver.js';
import type { WorkerHost } from '../../src/queue/worker-host.js';
import { figmaFile, writeFigmaFile, type FigmaFixtureOptions } from '../support/figma-fixture.js';
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

  const runImportOf = async (figma: Record<string, unknown>) => {
    const outcome = await platform.graphql<{ enqueueIndexing: { jobId: string } }>(
      'mutation ($input: IndexingInput!) { enqueueIndexing(input: $input) { jobId } }',
      { input: { figma } },
    );
    expect(outcome.errors).toBeUndefined();
    const jobId = outcome.data?.enqueueIndexing.jobId as string;
    const done = await waitUntil(
      async () =>
        (await platform.runtime.events.read({ kind: 'job', jobId }, undefined, 1000)).find((e) => e.type === 'indexing.done' || e.type === 'job.dead'),
      30_000,
    );
    return { ...done, jobId, data: done.data as { result: Record<string, number> } & Record<string, unknown> };
  };
  const runImport = (file: string, extra: Record<string, unknown> = {}) => runImportOf({ path: file, fileKey, ...extra });
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

  // A Figma-API-shaped server: `/v1/files/<key>` answers the fixture for the token below, 403 for a locked file, else 404.
  const token = 'figd_test-token';
  let served: FigmaFixtureOptions = { version: '200', lastModified: '2026-11-03T10:00:00Z' };
  const requests: Array<{ path: string; token: string | undefined }> = [];
  let api: Server;
  let apiUrl: string;

  beforeAll(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'cogo-figma-'));
    api = createServer((req, res) => {
      const sentToken = req.headers['x-figma-token'];
      requests.push({ path: req.url ?? '', token: typeof sentToken === 'string' ? sentToken : undefined });
      const status = sentToken !== token || req.url === '/v1/files/LockedKey' ? 403 : req.url === '/v1/files/UrlKey' ? 200 : 404;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(status === 200 ? figmaFile(served) : { status, err: status === 403 ? 'Invalid token' : 'Not found' }));
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    // The API server is on loopback: allow-listed with its port only, so 127.0.0.1's other ports stay refused.
    platform = await startPlatform({
      COGO_FIGMA_TOKEN: token,
      COGO_FIGMA_ALLOW_HOSTS: `127.0.0.1:${(api.address() as AddressInfo).port}`,
      COGO_FIGMA_API_URL: apiUrl,
    });
    worker = await startWorkers(platform.runtime, ['indexing']);
  });
  afterAll(async () => {
    await worker?.close();
    await platform?.close();
    await new Promise((resolve) => api?.close(resolve));
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

  it('imports from an allowed URL with the configured token, incrementally like a saved file', async () => {
    const nodesOf = async (key: string) =>
      runCypher<{ n: number }>(
        platform.runtime.driver,
        platform.config.neo4j.database,
        'MATCH (:Design {tenant: $tenant, fileKey: $key})-[:HAS_NODE]->(n:DesignNode) RETURN count(n) AS n',
        { tenant: platform.tenant, key },
      );
    // A figma.com link is read through the configured API (here the test's server); the key comes from the link.
    const link = { url: 'https://www.figma.com/design/UrlKey/Acme-app?node-id=0-1' };
    const first = await runImportOf(link);
    expect(first.type).toBe('indexing.done');
    expect(first.data.result).toMatchObject({ kind: 'figma-import', fileKey: 'UrlKey', version: '200', unchanged: false });
    expect(requests.at(-1)).toEqual({ path: '/v1/files/UrlKey', token });
    expect((await nodesOf('UrlKey'))[0]?.n).toBe(first.data.result.nodes);
    // The token is configuration: neither the job's input nor its events carry it.
    const events = await platform.runtime.events.read({ kind: 'job', jobId: first.jobId }, undefined, 1000);
    expect(JSON.stringify(events)).not.toContain(token);
    // The REST URL itself, a changed file: only the changed nodes are written, the removed ones deleted.
    served = { version: '201', lastModified: '2026-11-04T10:00:00Z', signInLabel: 'Log in', dangerZone: false, secondaryButton: true };
    const second = await runImportOf({ url: `${apiUrl}/v1/files/UrlKey` });
    expect(second.data.result).toMatchObject({ version: '201', unchanged: false, written: 3, deleted: 4 });
    expect((await runImportOf({ url: `${apiUrl}/v1/files/UrlKey` })).data.result).toMatchObject({ unchanged: true, written: 0 });
  });

  it('refuses a URL off the allow-list at enqueue, and maps the API refusing the token or the file', async () => {
    const before = requests.length;
    for (const url of [`http://127.0.0.1:1/v1/files/UrlKey`, 'http://169.254.169.254/v1/files/UrlKey']) {
      const refused = await platform.graphql('mutation ($input: IndexingInput!) { enqueueIndexing(input: $input) { jobId } }', { input: { figma: { url } } });
      expect(refused.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
      expect(refused.errors?.[0]?.message).toMatch(/COGO_FIGMA_ALLOW_HOSTS/);
      expect(refused.data?.enqueueIndexing ?? null).toBeNull();
    }
    const noKey = await platform.graphql('mutation ($input: IndexingInput!) { enqueueIndexing(input: $input) { jobId } }', {
      input: { figma: { url: `${apiUrl}/somewhere` } },
    });
    expect(noKey.errors?.[0]?.extensions.code).toBe('BAD_INPUT');
    expect(requests.length).toBe(before);
    const locked = await runImportOf({ url: `${apiUrl}/v1/files/LockedKey` });
    expect(locked.type).toBe('job.dead');
    expect(JSON.stringify(locked.data)).toMatch(/FORBIDDEN.*COGO_FIGMA_TOKEN was refused/);
    const missing = await runImportOf({ url: `${apiUrl}/v1/files/GoneKey` });
    expect(missing.type).toBe('job.dead');
    expect(JSON.stringify(missing.data)).toMatch(/NOT_FOUND/);
    expect(requests.slice(before).map((r) => r.path)).toEqual(['/v1/files/LockedKey', '/v1/files/GoneKey']);
  });
});
