import { randomUUID } from 'node:crypto';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkers } from '../../src/app.js';
import type { BusEvent } from '../../src/events/event-types.js';
import { runCypher } from '../../src/graph/driver.js';
import type { WorkerHost } from '../../src/queue/worker-host.js';
import { isBuildTerminal, runBuild, traversableTempDir } from '../support/build-fixtures.js';
import { runCli } from '../support/indexing-fixtures.js';
import { startPlatform, waitUntil, type Platform } from './support/platform.js';

const QUOTA = 20_000;

describe('artifact store housekeeping: a quota and garbage collection of unreferenced blobs', () => {
  let platform: Platform;
  let worker: WorkerHost;
  let temp: Awaited<ReturnType<typeof traversableTempDir>>;
  let project: string;
  const jobIds: string[] = [];

  beforeAll(async () => {
    temp = await traversableTempDir('cogo-build-store-');
    project = path.join(temp.dir, 'project');
    await mkdir(project);
    await writeFile(path.join(project, 'README'), 'a source\n');
    platform = await startPlatform({ COGO_DATA_DIR: path.join(temp.dir, 'data'), COGO_INDEX_ROOTS: temp.dir, COGO_ARTIFACTS_MAX_STORE_BYTES: String(QUOTA) });
    worker = await startWorkers(platform.runtime, ['build']);
  });
  afterAll(async () => {
    await worker?.close();
    if (platform)
      await runCypher(
        platform.runtime.driver,
        platform.config.neo4j.database,
        'MATCH (a:Artifact) WHERE a.jobId IN $ids OR a.tenant = $tenant DETACH DELETE a',
        {
          ids: jobIds,
          tenant: platform.tenant,
        },
      );
    await platform?.close();
    await temp?.remove();
  });

  /** A build whose one artifact is `bytes` bytes of one repeated letter. */
  const makeFile = (letter: string, bytes: number) => ({
    source: { path: project },
    steps: [{ name: 'make', run: ['node', '-e', `require('fs').writeFileSync('out.bin', '${letter}'.repeat(${bytes}))`] }],
    artifacts: ['out.bin'],
  });

  it('refuses a new blob past the quota with a clear error; the build job fails and stores nothing more', async () => {
    const first = await runBuild(platform, makeFile('a', 12_000));
    jobIds.push(first.jobId);
    expect(first.result.ok).toBe(true);
    const used = await platform.runtime.artifacts.usedBytes();
    expect(used).toBeGreaterThan(12_000);
    expect(used).toBeLessThan(QUOTA);

    const { data } = await platform.graphql<{ enqueueBuild: { jobId: string } }>('mutation($input: BuildInput!) { enqueueBuild(input: $input) { jobId } }', {
      input: makeFile('b', 12_000),
    });
    const jobId = data!.enqueueBuild.jobId;
    jobIds.push(jobId);
    const events = await waitUntil(
      async () => {
        const all: BusEvent[] = await platform.runtime.events.read({ kind: 'job', jobId }, undefined, 1000);
        return all.some(isBuildTerminal) && all;
      },
      30_000,
      100,
    );
    const terminal = events.find(isBuildTerminal)!;
    expect(terminal.type).toBe('job.dead');
    expect(JSON.stringify(terminal.data)).toMatch(/artifact store is full: \d+ bytes stored, 12000 more would pass its quota of 20000 bytes/);
    expect(await platform.runtime.artifacts.usedBytes()).toBe(used);

    // Bytes the store already holds are deduplicated, so they cost nothing against the quota.
    const again = await platform.runtime.artifacts.putBuffer(Buffer.from('a'.repeat(12_000)));
    expect(again.created).toBe(false);
    await expect(platform.runtime.artifacts.putBuffer(Buffer.from('c'.repeat(12_000)))).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('`cogo artifacts gc` removes old blobs nothing references, keeps referenced and young ones', async () => {
    const store = platform.runtime.artifacts;
    const built = await runBuild(platform, makeFile('d', 100));
    jobIds.push(built.jobId);
    const kept = [...built.result.artifacts.map((a) => a.sha256), built.result.log.sha256];

    const orphan = await store.putBuffer(Buffer.from(`orphan ${randomUUID()}`));
    const young = await store.putBuffer(Buffer.from(`young ${randomUUID()}`));
    const graphOnly = await store.putBuffer(Buffer.from(`graph only ${randomUUID()}`));
    // Referenced by an (:Artifact) node without a manifest, as an indexing report is.
    await runCypher(platform.runtime.driver, platform.config.neo4j.database, 'CREATE (:Artifact {id: $id, tenant: $tenant, sha256: $sha256})', {
      id: `test-${randomUUID()}`,
      tenant: platform.tenant,
      sha256: graphOnly.sha256,
    });
    const old = new Date(Date.now() - 3 * 3_600_000);
    for (const sha of [orphan.sha256, graphOnly.sha256, ...kept]) await utimes((await store.locate(sha))!, old, old);

    const dry = await runCli(['artifacts', 'gc', '--grace', '1h', '--dry-run', '--json'], platform.env);
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, removed: 1 });
    expect(await store.locate(orphan.sha256)).toBeDefined();

    const run = await runCli(['artifacts', 'gc', '--grace', '1h', '--json'], platform.env);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as { removed: number; keptYoung: number; dryRun: boolean };
    expect(report).toMatchObject({ dryRun: false, removed: 1 });
    expect(report.keptYoung).toBeGreaterThanOrEqual(1);
    expect(await store.locate(orphan.sha256)).toBeUndefined();
    expect(await store.locate(young.sha256)).toBeDefined();
    expect(await store.locate(graphOnly.sha256)).toBeDefined();
    for (const sha of kept) expect(await store.locate(sha), sha).toBeDefined();

    const bad = await runCli(['artifacts', 'gc', '--grace', 'soon'], platform.env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--grace "soon": expected 90s, 30m, 12h or 7d/);
  });
});
