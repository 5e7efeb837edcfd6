import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkers } from '../../src/app.js';
import { createKeyStore } from '../../src/auth/key-store.js';
import { runCypher } from '../../src/graph/driver.js';
import type { WorkerHost } from '../../src/queue/worker-host.js';
import { type BuildResult, hostProcessesWith, runBuild, traversableTempDir } from '../support/build-fixtures.js';
import { readBlob } from '../support/artifact-fixtures.js';
import { startPlatform, waitUntil, type Platform } from './support/platform.js';

/** Live host processes running as a sandbox uid (the worker is root here: each step runs as a uid of its own range). */
async function sandboxUidProcesses(base: number): Promise<number> {
  let count = 0;
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1] ?? -1);
    // A killed sandbox's bwrap is reparented to the host's init and is a zombie until init reaps it: it runs nothing.
    const zombie = /^State:\s+Z/m.test(status);
    if (uid >= base && uid < base + 4096 * 64 && !zombie) count++;
  }
  return count;
}

/**
 * Hostile steps, one job each, through one worker: each is contained (limits, namespaces, a clean environment)
 * and reported, and the worker goes on to the next job. Limits are small so the tests stay cheap.
 */
describe('build agent: hostile steps are contained and reported, and the worker keeps working', () => {
  let platform: Platform;
  let worker: WorkerHost;
  let temp: Awaited<ReturnType<typeof traversableTempDir>>;
  let project: string;
  const secret = `worker-secret-${randomUUID()}`;
  const jobIds: string[] = [];

  beforeAll(async () => {
    temp = await traversableTempDir('cogo-build-hostile-');
    project = path.join(temp.dir, 'project');
    await mkdir(project);
    // The worker's own environment holds a secret the steps must never see.
    process.env.COGO_TEST_BUILD_SECRET = secret;
    platform = await startPlatform({ COGO_DATA_DIR: path.join(temp.dir, 'data') });
    worker = await startWorkers(platform.runtime, ['build']);
  });
  afterAll(async () => {
    delete process.env.COGO_TEST_BUILD_SECRET;
    await worker?.close();
    if (platform)
      await runCypher(platform.runtime.driver, platform.config.neo4j.database, 'MATCH (a:Artifact) WHERE a.jobId IN $ids DETACH DELETE a', { ids: jobIds });
    await platform?.close();
    await temp?.remove();
  });

  const build = async (steps: { name: string; run: string[]; timeoutSeconds?: number }[], extra: Record<string, unknown> = {}) => {
    const run = await runBuild(platform, { source: { path: project }, steps, ...extra });
    jobIds.push(run.jobId);
    const fullLog = (await readBlob(platform.runtime.artifacts, run.result.log.sha256)).toString('utf8');
    return { ...run, fullLog };
  };
  const failed = (result: BuildResult) => result.failedStep;

  it('an infinite loop is killed at its timeout, with its whole tree', async () => {
    const { result } = await build([{ name: 'spin', run: ['sh', '-c', 'while :; do :; done'], timeoutSeconds: 2 }]);
    expect(failed(result)).toMatchObject({ name: 'spin', end: 'timeout' });
    expect(result.steps[0]!.durationMs).toBeGreaterThanOrEqual(2000);
    expect(result.steps[0]!.durationMs).toBeLessThan(5000);
  });

  it('a fork bomb hits the process limit (EAGAIN below the cap), and a classic one is ended by the timeout', async () => {
    const counter =
      'const {spawn}=require("child_process");let n=0;(function go(){const c=spawn("sleep",["30"]);c.on("error",e=>{console.log("stopped after",n,e.code);process.exit(0)});c.on("spawn",()=>{n++;go()})})()';
    const counted = await build([{ name: 'count', run: ['node', '-e', counter], timeoutSeconds: 20 }], { limits: { processes: 32 } });
    const match = /stopped after (\d+) EAGAIN/.exec(counted.fullLog);
    expect(match).not.toBeNull();
    expect(Number(match![1])).toBeLessThan(32);
    const classic = await build([{ name: 'bomb', run: ['sh', '-c', 'b(){ b|b& }; b; wait'], timeoutSeconds: 3 }], {
      limits: { processes: 32, outputBytes: 65536 },
    });
    expect(['timeout', 'output-limit', 'exited']).toContain(classic.result.steps[0]!.end);
    expect(classic.result.steps[0]!.durationMs).toBeLessThan(6000);
  });

  it('a memory hog fails at the address-space limit', async () => {
    const { result, fullLog } = await build([{ name: 'hog', run: ['node', '-e', 'const a=[];for(;;)a.push(Buffer.alloc(1<<24,1))'], timeoutSeconds: 20 }], {
      limits: { memoryBytes: 1024 * 1024 * 1024 },
    });
    expect(result.ok).toBe(false);
    expect(failed(result)!.name).toBe('hog');
    expect(failed(result)!.exitCode === null ? failed(result)!.signal : failed(result)!.exitCode).not.toBe(0);
    expect(fullLog).toMatch(/allocation failed|out of memory|Cannot allocate/i);
  });

  it('writes outside the work folder fail or land in the sandbox only; a symlink to a host file is not taken as an artifact', async () => {
    const hostTmp = `/tmp/cogo-escape-${randomUUID()}`;
    const targets = [hostTmp, path.join(project, 'escaped'), '/usr/escaped', '/etc/escaped', path.join(temp.dir, 'data', 'escaped')];
    const script = [...targets.map((t) => `echo x > ${t} || echo "refused ${t}"`), 'ln -s /etc/hostname leak.txt', 'echo inside > kept.txt'].join('\n');
    const { result, fullLog } = await build([{ name: 'escape', run: ['sh', '-c', script] }], { artifacts: ['leak.txt', 'kept.txt'] });
    expect(result.ok).toBe(true);
    for (const target of targets) expect(existsSync(target)).toBe(false);
    expect(fullLog).toContain('refused /usr/escaped');
    expect(fullLog).toContain('refused /etc/escaped');
    expect(result.artifacts.map((a) => a.path)).toEqual(['kept.txt']);
  });

  it('a file past the file-size limit is cut off, and /tmp (memory) holds no more than that limit in all', async () => {
    const big = await build([{ name: 'big', run: ['sh', '-c', 'head -c 3000000 /dev/zero > big.bin'] }], { limits: { fileBytes: 1024 * 1024 } });
    expect(failed(big.result)).toMatchObject({ name: 'big', end: 'signaled', signal: 'SIGXFSZ' });
    const script =
      'for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do head -c 200000 /dev/zero > /tmp/f$i || { echo "full at $i"; exit 4; }; done';
    const { result, fullLog } = await build([{ name: 'fill', run: ['sh', '-c', script] }], { limits: { fileBytes: 1024 * 1024 } });
    expect(failed(result)).toMatchObject({ name: 'fill', exitCode: 4 });
    expect(fullLog).toMatch(/No space left on device/);
    expect(Number(/full at (\d+)/.exec(fullLog)![1])).toBeLessThanOrEqual(6);
  });

  it("reads of the worker's environment find nothing of it: only PATH, HOME, basics and the job's env", async () => {
    const script = 'env; for f in /proc/[0-9]*/environ; do tr "\\0" "\\n" < "$f"; done; echo "job env: $JOB_VALUE"; ls /proc | grep -c "^[0-9]"';
    const { fullLog } = await build([{ name: 'snoop', run: ['sh', '-c', script] }], { env: { JOB_VALUE: 'visible' } });
    expect(fullLog).toContain('job env: visible');
    expect(fullLog).toContain('HOME=/work');
    expect(fullLog).not.toContain(secret);
    expect(fullLog).not.toMatch(/COGO_|REDIS_URL|NEO4J|DATABASE_URL|VITEST/);
  });

  it('a TCP connection to Redis on loopback fails: the sandbox has no network but its own loopback', async () => {
    const probe =
      'const os=require("os");console.log("interfaces:",Object.keys(os.networkInterfaces()).join(","));require("net").connect(6379,"127.0.0.1").on("connect",()=>{console.log("CONNECTED");process.exit(0)}).on("error",e=>{console.log("refused:",e.code);process.exit(3)})';
    const { result, fullLog } = await build([{ name: 'redis', run: ['node', '-e', probe], timeoutSeconds: 10 }]);
    expect(failed(result)).toMatchObject({ name: 'redis', end: 'exited', exitCode: 3 });
    expect(fullLog).toContain('refused: ECONNREFUSED');
    expect(fullLog).toContain('interfaces: lo');
    expect(fullLog).not.toContain('CONNECTED');
  });

  it('a build that asks for the network (scope build:network) reaches it; a credential without that scope is refused', async () => {
    const probe =
      'require("net").connect(6379,"127.0.0.1").on("connect",()=>{console.log("CONNECTED");process.exit(0)}).on("error",e=>{console.log("refused:",e.code);process.exit(3)})';
    const { result, fullLog } = await build([{ name: 'redis', run: ['node', '-e', probe], timeoutSeconds: 10 }], { network: true });
    expect(result).toMatchObject({ ok: true, network: true });
    expect(fullLog).toContain('CONNECTED');

    const { key } = await createKeyStore(platform.runtime.sql).create({
      name: 'builds without network',
      tenant: platform.tenant,
      scopes: ['jobs:enqueue:build', 'jobs:read'],
    });
    const enqueue = (input: Record<string, unknown>) =>
      fetch(`${platform.url}/v1/build/enqueue`, { method: 'POST', headers: platform.headers({ authorization: `Bearer ${key}` }), body: JSON.stringify(input) });
    const input = { source: { path: project }, steps: [{ name: 'x', run: ['true'] }] };
    const refused = await enqueue({ ...input, network: true });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    const allowed = await enqueue(input);
    expect(allowed.status).toBe(202);
    jobIds.push(((await allowed.json()) as { jobId: string }).jobId);
  });

  it('printing without end is cut at the output cap and killed, with a truncation marker', async () => {
    const { result, events } = await build([{ name: 'flood', run: ['yes', 'spam'], timeoutSeconds: 20 }], { limits: { outputBytes: 65536 } });
    expect(failed(result)).toMatchObject({ name: 'flood', end: 'output-limit' });
    expect(result.steps[0]).toMatchObject({ outputBytes: 65536, truncated: true });
    const notes = events
      .filter((e) => e.type === 'build.log')
      .flatMap((e) => e.data.lines as { line: string }[])
      .map((l) => l.line);
    expect(notes.some((line) => /printed more than 65536 bytes/.test(line))).toBe(true);
  });

  it('a background process left behind is killed with the tree, even one that made a session of its own', async () => {
    const { result } = await build([{ name: 'daemon', run: ['sh', '-c', 'sleep 3001 & setsid sleep 3002 & echo started'] }]);
    expect(result.ok).toBe(true);
    await waitUntil(async () => (await hostProcessesWith('sleep 3001')) + (await hostProcessesWith('sleep 3002')) === 0, 5000);
  });

  it('a cancelled build has its running step killed with its tree, and ends as cancelled', async () => {
    const { data } = await platform.graphql<{ enqueueBuild: { jobId: string } }>('mutation($input: BuildInput!) { enqueueBuild(input: $input) { jobId } }', {
      input: { source: { path: project }, steps: [{ name: 'long', run: ['sh', '-c', 'sleep 3004 & sleep 3005'], timeoutSeconds: 60 }] },
    });
    const jobId = data!.enqueueBuild.jobId;
    jobIds.push(jobId);
    const events = () => platform.runtime.events.read({ kind: 'job', jobId }, undefined, 1000);
    await waitUntil(async () => (await hostProcessesWith('sleep 3005')) > 0, 20_000);
    expect((await platform.graphql(`mutation { cancelJob(id: "${jobId}") { status } }`)).errors).toBeUndefined();
    const all = await waitUntil(async () => {
      const list = await events();
      return list.some((e) => e.type === 'job.cancelled') && list;
    }, 20_000);
    expect(all.some((e) => e.type === 'build.done')).toBe(false);
    await waitUntil(async () => (await hostProcessesWith('sleep 3004')) + (await hostProcessesWith('sleep 3005')) === 0, 5000);
  });

  it('after all that, the worker still builds the next job', async () => {
    const { result } = await build([{ name: 'fine', run: ['sh', '-c', 'echo still-here > ok.txt'] }], { artifacts: ['ok.txt'] });
    expect(result).toMatchObject({ ok: true, artifacts: [{ path: 'ok.txt' }] });
    // Nothing of any step (fork bombs included) outlived its build: killed processes may take a moment to go.
    await waitUntil(async () => (await hostProcessesWith('sleep 30')) === 0, 5000);
    await waitUntil(async () => (await sandboxUidProcesses(platform.config.build.hostUidBase)) === 0, 5000);
  });
});
