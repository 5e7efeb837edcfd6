import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkers } from '../../src/app.js';
import { collectArtifactGarbage } from '../../src/artifacts/index.js';
import type { ArtifactS3Config } from '../../src/config/index.js';
import type { BusEvent } from '../../src/events/event-types.js';
import { runCypher } from '../../src/graph/driver.js';
import type { WorkerHost } from '../../src/queue/worker-host.js';
import { expectRangedDownload, removeBucket, s3StoreConfig, s3StoreEnv, STORE_KINDS } from '../support/artifact-fixtures.js';
import { isBuildTerminal, runBuild, traversableTempDir } from '../support/build-fixtures.js';
import { runCli } from '../support/indexing-fixtures.js';
import { startPlatform, waitUntil, type Platform } from './support/platform.js';

const QUOTA = 20_000;

describe.each(STORE_KINDS)('artifact store (%s): downloads, a quota and garbage collection of unreferenced blobs', (kind) => {
  let platform: Platform;
  let s3: ArtifactS3Config | undefined;
  let worker: WorkerHost;
  let temp: Awaited<ReturnType<typeof traversableTempDir>>;
  let project: string;
  const jobIds: string[] = [];

  beforeAll(async () => {
    temp = await traversableTempDir('cogo-build-store-');
    project = path.join(temp.dir, 'project');
    await mkdir(project);
    await writeFile(path.join(project, 'README'), 'a source\n');
    s3 = kind === 's3' ? s3StoreConfig() : undefined;
    platform = await startPlatform({
      COGO_DATA_DIR: path.join(temp.dir, 'data'),
      COGO_INDEX_ROOTS: temp.dir,
      COGO_ARTIFACTS_MAX_STORE_BYTES: String(QUOTA),
      ...(s3 ? s3StoreEnv(s3) : {}),
    });
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
    if (s3) await removeBucket(s3);
  });

  /** A build whose one artifact is `bytes` bytes of one repeated letter. */
  const makeFile = (letter: string, bytes: number) => ({
    source: { path: project },
    steps: [{ name: 'make', run: ['node', '-e', `require('fs').writeFileSync('out.bin', '${letter}'.repeat(${bytes}))`] }],
    artifacts: ['out.bin'],
  });

  it("stores a build's artifacts and its manifest in this store and serves them with ranges", async () => {
    const built = await runBuild(platform, makeFile('z', 3000));
    jobIds.push(built.jobId);
    const out = built.result.artifacts[0]!;
    const bytes = await expectRangedDownload(platform, out);
    expect(bytes.toString()).toBe('z'.repeat(3000));
    expect(await platform.runtime.artifacts.stat(out.sha256)).toEqual({ size: 3000 });
    expect(await platform.runtime.artifacts.readManifest<{ artifacts: { sha256: string }[] }>(built.jobId)).toMatchObject({
      artifacts: expect.arrayContaining([expect.objectContaining({ sha256: out.sha256 })]),
    });
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
    const graphOnly = await store.putBuffer(Buffer.from(`graph only ${randomUUID()}`));
    // Referenced by an (:Artifact) node without a manifest, as an indexing report is.
    await runCypher(platform.runtime.driver, platform.config.neo4j.database, 'CREATE (:Artifact {id: $id, tenant: $tenant, sha256: $sha256})', {
      id: `test-${randomUUID()}`,
      tenant: platform.tenant,
      sha256: graphOnly.sha256,
    });
    // S3 keeps LastModified to the second and cannot be set back: the young blob comes more than a second later,
    // and the collection below runs "an hour later" than the old ones, so that only the young one is in its grace.
    const oldStoredBy = Date.now();
    await new Promise((r) => setTimeout(r, 2100));
    const young = await store.putBuffer(Buffer.from(`young ${randomUUID()}`));

    // The CLI opens the configured store: with no grace, the orphan and the young blob are both unreferenced.
    const dry = await runCli(['artifacts', 'gc', '--grace', '0s', '--dry-run', '--json'], platform.env);
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, removed: 2 });
    expect(await store.stat(orphan.sha256)).toBeDefined();

    const graph = platform.runtime.artifactGraph;
    const report = await collectArtifactGarbage({
      store,
      graphReferences: () => graph.referencedBlobs(),
      graceMs: 3_600_000,
      now: oldStoredBy + 3_600_000 + 500,
    });
    expect(report).toMatchObject({ dryRun: false, removed: 1, keptYoung: 1 });
    expect(await store.stat(orphan.sha256)).toBeUndefined();
    expect(await store.stat(young.sha256)).toBeDefined();
    expect(await store.stat(graphOnly.sha256)).toBeDefined();
    for (const sha of kept) expect(await store.stat(sha), sha).toBeDefined();
  });
});
