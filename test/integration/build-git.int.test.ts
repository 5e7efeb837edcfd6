import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkers } from '../../src/app.js';
import type { BusEvent } from '../../src/events/event-types.js';
import { runCypher } from '../../src/graph/driver.js';
import type { WorkerHost } from '../../src/queue/worker-host.js';
import { isBuildTerminal, liveLogLines, runBuild, traversableTempDir } from '../support/build-fixtures.js';
import { startPlatform, waitUntil, type Platform } from './support/platform.js';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], { cwd, encoding: 'utf8' }).trim();

describe('build agent: git sources and per-step env', () => {
  let platform: Platform;
  let worker: WorkerHost;
  let temp: Awaited<ReturnType<typeof traversableTempDir>>;
  let repoUrl: string;
  let firstCommit: string;
  let secondCommit: string;
  const jobIds: string[] = [];

  beforeAll(async () => {
    temp = await traversableTempDir('cogo-build-git-');
    // A real bare repository made here: v1 holds "one", the branch main moves on to "two".
    const bare = path.join(temp.dir, 'origin.git');
    const clone = path.join(temp.dir, 'author');
    await mkdir(clone);
    git(temp.dir, 'init', '-q', '--bare', bare);
    git(clone, 'init', '-q');
    await writeFile(path.join(clone, 'message.txt'), 'one\n');
    git(clone, 'add', 'message.txt');
    git(clone, 'commit', '-q', '-m', 'one');
    git(clone, 'tag', 'v1');
    firstCommit = git(clone, 'rev-parse', 'HEAD');
    await writeFile(path.join(clone, 'message.txt'), 'two\n');
    git(clone, 'commit', '-q', '-am', 'two');
    secondCommit = git(clone, 'rev-parse', 'HEAD');
    git(clone, 'push', '-q', bare, 'HEAD:refs/heads/main', '--tags');
    // Branch `big`: 300 kB of zeros, a pack of a few hundred bytes that would check out above the source cap.
    git(clone, 'checkout', '-q', '-b', 'big');
    await writeFile(path.join(clone, 'zeros.bin'), Buffer.alloc(300_000));
    git(clone, 'add', 'zeros.bin');
    git(clone, 'commit', '-q', '-m', 'big');
    git(clone, 'push', '-q', bare, 'big');
    repoUrl = pathToFileURL(bare).href;
    platform = await startPlatform({ COGO_DATA_DIR: path.join(temp.dir, 'data'), COGO_INDEX_ROOTS: temp.dir, COGO_BUILD_MAX_SOURCE_BYTES: '100000' });
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
  const enqueue = (input: Record<string, unknown>) =>
    platform.graphql<{ enqueueBuild: { jobId: string } }>('mutation($input: BuildInput!) { enqueueBuild(input: $input) { jobId } }', { input });
  const show = { name: 'show', run: ['sh', '-c', 'cat message.txt; git --version >/dev/null 2>&1 || true'] };

  it('builds a file:// repository at a tag and records the resolved commit', async () => {
    const { result, events } = await build({ source: { gitUrl: repoUrl, ref: 'v1' }, steps: [{ name: 'show', run: ['cat', 'message.txt'] }] });
    expect(result).toMatchObject({ ok: true, source: { gitUrl: repoUrl, ref: 'v1', commit: firstCommit } });
    expect(liveLogLines(events)).toContain('one');
    const done = events.find((e) => e.type === 'build.done')!;
    expect((done.data.result as { source: { commit: string } }).source.commit).toBe(firstCommit);
  });

  it('builds at a full commit sha and at a branch', async () => {
    const atCommit = await build({ source: { gitUrl: repoUrl, ref: firstCommit }, steps: [show] });
    expect(atCommit.result).toMatchObject({ ok: true, source: { commit: firstCommit } });
    expect(liveLogLines(atCommit.events)).toContain('one');
    const atBranch = await build({ source: { gitUrl: repoUrl, ref: 'main' }, steps: [show] });
    expect(atBranch.result).toMatchObject({ ok: true, source: { commit: secondCommit } });
    expect(liveLogLines(atBranch.events)).toContain('two');
  });

  const deadJob = async (input: Record<string, unknown>) => {
    const { data, errors } = await enqueue(input);
    expect(errors).toBeUndefined();
    const jobId = data!.enqueueBuild.jobId;
    jobIds.push(jobId);
    return waitUntil(
      async () => {
        const all: BusEvent[] = await platform.runtime.events.read({ kind: 'job', jobId }, undefined, 1000);
        return all.some(isBuildTerminal) && all;
      },
      30_000,
      100,
    );
  };

  it('refuses a commit whose tree is above the source cap before checking it out, however small its pack', async () => {
    const events = await deadJob({ source: { gitUrl: repoUrl, ref: 'big' }, steps: [show] });
    const terminal = events.find(isBuildTerminal)!;
    expect(terminal.type).toBe('job.dead');
    expect(JSON.stringify(terminal.data)).toMatch(/holds more than 100000 bytes \(COGO_BUILD_MAX_SOURCE_BYTES\)/);
    expect(events.some((e) => e.type === 'build.progress')).toBe(false);
  });

  it('fails the job with a clear error when the ref does not exist', async () => {
    const events = await deadJob({ source: { gitUrl: repoUrl, ref: 'no-such-tag' }, steps: [show] });
    const terminal = events.find(isBuildTerminal)!;
    expect(terminal.type).toBe('job.dead');
    expect(JSON.stringify(terminal.data)).toMatch(/git ref \\"no-such-tag\\" was not found in file:/);
    expect(events.some((e) => e.type === 'job.retrying')).toBe(false);
  });

  it('refuses a loopback http URL (FORBIDDEN), malformed URLs and refs (BAD_INPUT) and a file:// repository outside the roots; nothing is enqueued', async () => {
    const before = await platform.countJobs();
    const loopback = await enqueue({ source: { gitUrl: 'http://127.0.0.1:6379/repo.git', ref: 'main' }, steps: [show] });
    expect(loopback.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', via: 'build' });
    expect(loopback.errors?.[0]?.message).toMatch(/COGO_BUILD_GIT_ALLOW_HOSTS/);
    const named = await enqueue({ source: { gitUrl: 'https://localhost/repo.git', ref: 'main' }, steps: [show] });
    expect(named.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
    for (const source of [
      { gitUrl: 'ssh://example.com/repo.git', ref: 'main' },
      { gitUrl: 'not a url', ref: 'main' },
      { gitUrl: 'https://user:secret@example.com/repo.git', ref: 'main' },
      { gitUrl: repoUrl, ref: '--upload-pack=touch /tmp/pwned' },
      { gitUrl: repoUrl, ref: 'a..b' },
      { gitUrl: repoUrl },
      { gitUrl: repoUrl, ref: 'main', path: temp.dir },
    ]) {
      const refused = await enqueue({ source, steps: [show] });
      expect(refused.errors?.[0]?.extensions, JSON.stringify(source)).toMatchObject({ code: 'BAD_INPUT' });
    }
    const outside = await enqueue({ source: { gitUrl: 'file:///etc', ref: 'main' }, steps: [show] });
    expect(outside.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', via: 'build' });
    expect(await platform.countJobs()).toBe(before);
  });

  it('gives each step its own env merged over the job env, and never the worker environment', async () => {
    const print = ['sh', '-c', 'echo "shared=$SHARED only=${ONLY:-unset} over=$OVER home=$HOME redis=${REDIS_URL:-unset}"'];
    const { jobId, result, events } = await build({
      source: { gitUrl: repoUrl, ref: 'v1' },
      env: { SHARED: 'job', OVER: 'job' },
      steps: [
        { name: 'first', run: print, env: { ONLY: 'only-in-first', OVER: 'step' } },
        { name: 'second', run: print },
      ],
    });
    expect(result.ok).toBe(true);
    const lines = liveLogLines(events);
    expect(lines).toContain('shared=job only=only-in-first over=step home=/work redis=unset');
    expect(lines).toContain('shared=job only=unset over=job home=/work redis=unset');
    // Step env values are secrets like the job's: the graph record and reads carry ***, the worker got the real ones.
    const { data } = await platform.graphql<{ job: { input: { env: Record<string, string>; steps: { env: Record<string, string> | null }[] } } }>(
      'query($id: ID!) { job(id: $id) { input } }',
      { id: jobId },
    );
    expect(data!.job.input.env).toEqual({ SHARED: '***', OVER: '***' });
    expect(data!.job.input.steps.map((s) => s.env ?? null)).toEqual([{ ONLY: '***', OVER: '***' }, null]);
    const record = await platform.runtime.driver.executeQuery('MATCH (j:Job {id: $id}) RETURN j.inputJson AS input', { id: jobId });
    expect(record.records[0]?.get('input')).not.toContain('only-in-first');
    const bad = await enqueue({ source: { gitUrl: repoUrl, ref: 'v1' }, steps: [{ name: 'x', run: ['true'], env: { 'lower-case': 'x' } }] });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_INPUT' });
  });
});

describe('build agent: a git host admitted by COGO_BUILD_GIT_ALLOW_HOSTS that never answers', () => {
  let platform: Platform;
  let worker: WorkerHost;
  let temp: Awaited<ReturnType<typeof traversableTempDir>>;
  let server: Server;
  let port: number;
  const connections: Socket[] = [];

  beforeAll(async () => {
    temp = await traversableTempDir('cogo-build-git-hang-');
    // Accepts connections and never answers: the clone must be killed by its timeout.
    server = createServer((socket) => connections.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    platform = await startPlatform({
      COGO_DATA_DIR: path.join(temp.dir, 'data'),
      COGO_INDEX_ROOTS: temp.dir,
      COGO_BUILD_GIT_ALLOW_HOSTS: `127.0.0.1:${port}`,
      COGO_BUILD_GIT_TIMEOUT_SECONDS: '2',
    });
    worker = await startWorkers(platform.runtime, ['build']);
  });
  afterAll(async () => {
    await worker?.close();
    await platform?.close();
    for (const socket of connections) socket.destroy();
    await new Promise((resolve) => server?.close(resolve));
    await temp?.remove();
  });

  it('is admitted at enqueue only on its allow-listed port, and the hanging fetch is killed at the timeout', async () => {
    const enqueue = (gitUrl: string) =>
      platform.graphql<{ enqueueBuild: { jobId: string } }>('mutation($input: BuildInput!) { enqueueBuild(input: $input) { jobId } }', {
        input: { source: { gitUrl, ref: 'main' }, steps: [{ name: 'x', run: ['true'] }] },
      });
    const otherPort = await enqueue(`http://127.0.0.1:${port + 1}/repo.git`);
    expect(otherPort.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
    const { data, errors } = await enqueue(`http://127.0.0.1:${port}/repo.git`);
    expect(errors).toBeUndefined();
    const jobId = data!.enqueueBuild.jobId;
    const started = Date.now();
    const retrying = await waitUntil(
      async () => (await platform.runtime.events.read({ kind: 'job', jobId }, undefined, 1000)).find((e) => e.type === 'job.retrying'),
      20_000,
      100,
    );
    expect(JSON.stringify(retrying.data)).toMatch(/took longer than 2 s \(COGO_BUILD_GIT_TIMEOUT_SECONDS\)/);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(connections.length).toBeGreaterThan(0);
    await platform.graphql('mutation($id: ID!) { cancelJob(id: $id) { status } }', { id: jobId });
  });
});
