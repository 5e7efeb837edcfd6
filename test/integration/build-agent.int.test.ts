import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkers } from '../../src/app.js';
import { runCypher } from '../../src/graph/driver.js';
import type { WorkerHost } from '../../src/queue/worker-host.js';
import { expectRangedDownload, readBlob } from '../support/artifact-fixtures.js';
import { liveLogLines, runBuild, traversableTempDir, writeTinyProject, type BuildResult } from '../support/build-fixtures.js';
import { startPlatform, waitUntil, type Platform } from './support/platform.js';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('build agent: a real TypeScript project builds in the sandbox, with live logs and content-addressed artifacts', () => {
  let platform: Platform;
  let worker: WorkerHost;
  let temp: Awaited<ReturnType<typeof traversableTempDir>>;
  let project: string;
  let dataDir: string;
  const jobIds: string[] = [];

  beforeAll(async () => {
    temp = await traversableTempDir('cogo-build-');
    project = path.join(temp.dir, 'project');
    dataDir = path.join(temp.dir, 'data');
    await writeTinyProject(project);
    // A work folder left by a worker that died mid-build (its pid is not alive): swept when a build worker starts.
    await mkdir(path.join(dataDir, 'build', 'work', 'deadjob~999999~abcd', 'dist'), { recursive: true });
    platform = await startPlatform({ COGO_DATA_DIR: dataDir, COGO_BUILD_MAX_ARTIFACT_BYTES: '100000' });
    worker = await startWorkers(platform.runtime, ['build']);
  });
  afterAll(async () => {
    await worker?.close();
    if (platform)
      await runCypher(platform.runtime.driver, platform.config.neo4j.database, 'MATCH (a:Artifact) WHERE a.jobId IN $ids DETACH DELETE a', { ids: jobIds });
    await platform?.close();
    await temp?.remove();
  });

  const build = async (input: Record<string, unknown>) => {
    const run = await runBuild(platform, input);
    jobIds.push(run.jobId);
    return run;
  };

  it('compiles with tsc and packs with npm offline; the artifacts are stored by sha256 and linked to the job', async () => {
    const { jobId, events, result } = await build({
      source: { path: project },
      steps: [
        { name: 'compile', run: ['node', 'node_modules/typescript/lib/tsc.js', '-p', '.'] },
        { name: 'pack', run: ['npm', 'pack', '--offline'] },
        { name: 'smoke', run: ['node', '-e', 'console.log("sum", require("./dist/index.js").add(2, 3))'] },
      ],
      artifacts: ['dist/**', '*.tgz'],
    });
    expect(result).toMatchObject({ ok: true, isolation: 'bwrap' });
    expect(result.steps.map((s) => [s.name, s.end, s.exitCode])).toEqual([
      ['compile', 'exited', 0],
      ['pack', 'exited', 0],
      ['smoke', 'exited', 0],
    ]);
    expect(result.artifacts.map((a) => a.path).sort()).toEqual(['dist/index.d.ts', 'dist/index.js', 'tiny-lib-1.0.0.tgz']);

    // Each artifact's bytes are in the store under their own sha256, and the compiled code is the project's.
    for (const artifact of result.artifacts) {
      const bytes = await readBlob(platform.runtime.artifacts, artifact.sha256);
      expect(sha256(bytes)).toBe(artifact.sha256);
      expect(bytes.length).toBe(artifact.size);
    }
    const js = result.artifacts.find((a) => a.path === 'dist/index.js')!;
    expect((await readBlob(platform.runtime.artifacts, js.sha256)).toString('utf8')).toMatch(/const add = \(a, b\) => a \+ b/);
    expect(js.mediaType).toBe('text/javascript; charset=utf-8');
    expect(result.artifacts.find((a) => a.path.endsWith('.tgz'))!.mediaType).toBe('application/gzip');

    // The graph: (:Job)-[:PRODUCED]->(:Artifact) for each file and the full log, in the job's tenant.
    const rows = await runCypher<{ path: string; sha256: string; size: number; tenant: string; jobTenant: string }>(
      platform.runtime.driver,
      platform.config.neo4j.database,
      'MATCH (j:Job {id: $id})-[:PRODUCED]->(a:Artifact) RETURN a.path AS path, a.sha256 AS sha256, a.size AS size, a.tenant AS tenant, j.tenant AS jobTenant ORDER BY path',
      { id: jobId },
    );
    expect(rows.map((r) => r.path)).toEqual(['build.log', 'dist/index.d.ts', 'dist/index.js', 'tiny-lib-1.0.0.tgz']);
    expect(rows.every((r) => r.tenant === r.jobTenant)).toBe(true);
    expect(rows.find((r) => r.path === 'dist/index.js')!.sha256).toBe(js.sha256);

    // Events: each step started and finished in order, the live log carried the steps' output, then build.done.
    const progress = events.filter((e) => e.type === 'build.progress').map((e) => `${e.data.step}:${e.data.phase}`);
    expect(progress).toEqual(['compile:started', 'compile:finished', 'pack:started', 'pack:finished', 'smoke:started', 'smoke:finished']);
    const lines = liveLogLines(events);
    expect(lines).toContain('sum 5');
    expect(lines).toContain('tiny-lib-1.0.0.tgz');
    expect(events.findIndex((e) => e.type === 'build.done')).toBeGreaterThan(events.findLastIndex((e) => e.type === 'build.log'));

    // The full log is an artifact too.
    const log = (await readBlob(platform.runtime.artifacts, result.log.sha256)).toString('utf8');
    expect(log).toContain('## step pack');
    expect(log).toContain('sum 5');
    expect(await platform.runtime.artifactGraph.get(rows[0]!.tenant, result.log.artifactId)).toMatchObject({ path: 'build.log', kind: 'build-log' });
    // Another tenant does not see it.
    expect(await platform.runtime.artifactGraph.get('some-other-tenant', result.log.artifactId)).toBeUndefined();

    // The job's manifest lists what it produced.
    const manifest = await platform.runtime.artifacts.readManifest<{ jobId: string; artifacts: { path: string; sha256: string }[] }>(jobId);
    expect(manifest!.artifacts.map((a) => a.path).sort()).toEqual(['build.log', 'dist/index.d.ts', 'dist/index.js', 'tiny-lib-1.0.0.tgz']);

    // The work folder is gone, and so is the dead worker's.
    expect(await readdir(path.join(dataDir, 'build', 'work'))).toEqual([]);
  });

  it('serves an artifact to its tenant: GraphQL metadata, REST download with the right sha256, content type and ranges', async () => {
    const { result } = await build({ source: { path: project }, steps: [{ name: 'pack', run: ['npm', 'pack', '--offline'] }], artifacts: ['*.tgz'] });
    const tgz = result.artifacts[0]!;
    const { data } = await platform.graphql<{ artifact: Record<string, unknown> }>(
      'query($id: ID!) { artifact(id: $id) { id path sha256 size mediaType kind downloadUrl } }',
      { id: tgz.id },
    );
    expect(data!.artifact).toEqual({
      id: tgz.id,
      path: 'tiny-lib-1.0.0.tgz',
      sha256: tgz.sha256,
      size: tgz.size,
      mediaType: 'application/gzip',
      kind: 'build-output',
      downloadUrl: `/v1/artifacts/${tgz.id}`,
    });

    const whole = await fetch(`${platform.url}${data!.artifact.downloadUrl as string}`, { headers: { authorization: platform.authorization } });
    expect(whole.headers.get('content-disposition')).toBe('attachment; filename="tiny-lib-1.0.0.tgz"');
    const bytes = await expectRangedDownload(platform, tgz);
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b])); // a gzip stream
  });

  it("refuses another tenant's artifact: the download and artifact(id) answer as for a missing one", async () => {
    // A build of the platform's tenant, asked for by another one: the anonymous development caller (tenant `default`).
    const { jobId } = await platform.runtime.jobs.enqueue({
      type: 'build',
      input: { source: { path: project }, steps: [{ name: 'w', run: ['sh', '-c', 'echo theirs > theirs.txt'] }], artifacts: ['theirs.txt'] },
      idempotencyKey: null,
      parentJobId: null,
      traceId: randomUUID().replace(/-/g, ''),
      principal: platform.principal,
    });
    jobIds.push(jobId);
    const done = await waitUntil(
      async () => (await platform.runtime.events.read({ kind: 'job', jobId }, undefined, 1000)).find((e) => e.type === 'build.done'),
      30_000,
    );
    const theirs = (done.data.result as BuildResult).artifacts[0]!;
    expect(theirs.path).toBe('theirs.txt');
    expect(await platform.runtime.artifactGraph.get(platform.tenant, theirs.id)).toMatchObject({ path: 'theirs.txt' });
    const download = await fetch(`${platform.url}/v1/artifacts/${theirs.id}`);
    expect(download.status).toBe(404);
    expect(await download.json()).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    const asked = await fetch(`${platform.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query($id: ID!) { artifact(id: $id) { id } }', variables: { id: theirs.id } }),
    });
    const refused = (await asked.json()) as { data: unknown; errors?: { extensions: Record<string, unknown> }[] };
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND' });
    expect(refused.data).toBeNull();
  });

  it('the first failing step stops the build, with its exit code; the job completes with ok: false', async () => {
    const { events, result } = await build({
      source: { path: project },
      steps: [
        { name: 'fine', run: ['sh', '-c', 'echo fine'] },
        { name: 'breaks', run: ['sh', '-c', 'echo boom >&2; exit 7'] },
        { name: 'never', run: ['sh', '-c', 'echo never'] },
      ],
      artifacts: ['**'],
    });
    expect(result.ok).toBe(false);
    expect(result.failedStep).toEqual({ name: 'breaks', end: 'exited', exitCode: 7, signal: null });
    expect(result.steps.map((s) => s.name)).toEqual(['fine', 'breaks']);
    expect(result.artifacts).toEqual([]);
    expect(events.some((e) => e.type === 'build.progress' && e.data.step === 'never')).toBe(false);
    expect(events.filter((e) => e.type === 'build.log').flatMap((e) => e.data.lines as { stream: string; line: string }[])).toContainEqual({
      stream: 'stderr',
      line: 'boom',
    });
  });

  it('skips an artifact above the size limit and says so', async () => {
    const { result } = await build({
      source: { path: project },
      steps: [{ name: 'w', run: ['sh', '-c', 'head -c 200000 /dev/zero > big.bin && echo small > small.txt'] }],
      artifacts: ['*.bin', '*.txt'],
    });
    expect(result.ok).toBe(true);
    expect(result.artifacts.map((a) => a.path)).toEqual(['small.txt']);
    expect(result.skippedArtifacts).toEqual([{ path: 'big.bin', reason: 'too-large' }]);
  });

  it('keeps the one-command form: workspace + command is one step named build', async () => {
    const { result } = await build({
      workspace: project,
      command: ['sh', '-c', 'mkdir -p out && echo "$GREETING" > out/hello.txt'],
      env: { GREETING: 'hello sandbox' },
      timeoutSeconds: 30,
    });
    expect(result).toMatchObject({ ok: true, steps: [{ name: 'build', end: 'exited', exitCode: 0 }] });
  });

  it('stores identical content once: two jobs, two Artifact nodes, one blob', async () => {
    const input = { source: { path: project }, steps: [{ name: 'write', run: ['sh', '-c', 'echo same-bytes > same.txt'] }], artifacts: ['same.txt'] };
    const first = await build(input);
    const second = await build(input);
    const [a, b] = [first.result.artifacts[0]!, second.result.artifacts[0]!];
    expect(a.sha256).toBe(sha256(Buffer.from('same-bytes\n')));
    expect(b.sha256).toBe(a.sha256);
    expect(b.id).not.toBe(a.id);
    const blobs = await readdir(path.join(dataDir, 'artifacts', 'blobs', a.sha256.slice(0, 2)));
    expect(blobs.filter((name) => name === a.sha256)).toHaveLength(1);
  });

  it('refuses a source outside the allowed roots, limits above the caps, and a malformed input; nothing is enqueued', async () => {
    const before = await platform.countJobs();
    const enqueue = (input: Record<string, unknown>) => platform.graphql('mutation($input: BuildInput!) { enqueueBuild(input: $input) { jobId } }', { input });
    const outside = await enqueue({ source: { path: '/etc' }, steps: [{ name: 'x', run: ['true'] }] });
    expect(outside.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', via: 'build' });
    const tooMuch = await enqueue({ source: { path: project }, steps: [{ name: 'x', run: ['true'], timeoutSeconds: 7200 }], limits: { processes: 1_000_000 } });
    expect(tooMuch.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_INPUT' });
    expect(tooMuch.errors?.[0]?.message).toMatch(/limits\.processes: 1000000 is above this service's cap 256/);
    expect(tooMuch.errors?.[0]?.message).toMatch(/steps\.0\.timeoutSeconds: 7200 is above this service's cap 1800/);
    const both = await enqueue({ source: { path: project }, workspace: project, command: ['true'], steps: [{ name: 'x', run: ['true'] }] });
    expect(both.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_INPUT' });
    expect(await platform.countJobs()).toBe(before);
  });
});
