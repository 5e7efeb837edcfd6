import { chmod, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeIsolation, detectIsolation } from '../../agents/build/isolation.js';
import { runStep } from '../../agents/build/sandbox.js';
import { startWorkers } from '../../src/app.js';
import { traversableTempDir } from '../support/build-fixtures.js';
import { startPlatform, waitUntil } from './support/platform.js';

const root = process.getuid?.() === 0;
const limits = { cpuSeconds: 5, memoryBytes: 2 ** 30, processes: 64, openFiles: 64, fileBytes: 4096, outputBytes: 65536, timeoutSeconds: 10 };

/** The start-up check: a real probe step, and what the worker does when bubblewrap cannot work here. */
describe('build isolation at start-up', () => {
  let temp: Awaited<ReturnType<typeof traversableTempDir>>;
  beforeAll(async () => {
    temp = await traversableTempDir('cogo-build-isolation-');
  });
  afterAll(async () => temp?.remove());

  it('finds bubblewrap working here and says what it isolates', async () => {
    const detected = await detectIsolation({ stateDir: path.join(temp.dir, 'ok'), allowUnsandboxed: false, hostUid: root ? 250_000 : undefined });
    expect(detected.problem).toBeUndefined();
    expect(detected.isolation!.mode).toBe('bwrap');
    expect(describeIsolation(detected.isolation!)).toMatch(/^bubblewrap \(\/usr\/bin\/bwrap\): user, PID, network, IPC, UTS and mount namespaces/);
  });

  it('refuses builds when the probe fails, and runs them unsandboxed (clean environment, limits) only when allowed', async () => {
    // A state folder the sandbox's uid cannot reach: bwrap cannot bind the probe's work folder, so the probe fails.
    const locked = path.join(temp.dir, 'locked');
    await mkdir(locked);
    await chmod(locked, 0o700);
    const options = { stateDir: path.join(locked, 'state'), hostUid: root ? 250_001 : undefined };
    const refused = await detectIsolation({ ...options, allowUnsandboxed: false });
    expect(refused.isolation).toBeUndefined();
    expect(refused.problem).toMatch(/^bubblewrap does not work here .*untrusted builds are refused \(COGO_BUILD_ALLOW_UNSANDBOXED=true/);

    const allowed = await detectIsolation({ ...options, allowUnsandboxed: true });
    expect(allowed.isolation).toMatchObject({ mode: 'none' });
    expect(describeIsolation(allowed.isolation!)).toMatch(/^NONE: builds run unsandboxed \(bubblewrap does not work here/);
    const work = path.join(temp.dir, 'work');
    await mkdir(work);
    const lines: string[] = [];
    const outcome = await runStep({
      isolation: allowed.isolation!,
      argv: ['sh', '-c', 'env; ulimit -a'],
      workDir: work,
      env: { ONLY: 'this' },
      limits,
      hostUid: undefined,
      onLine: (_stream, line) => lines.push(line),
    });
    expect(outcome).toMatchObject({ end: 'exited', exitCode: 0 });
    expect(lines).toContain('ONLY=this');
    expect(lines).toContain(`HOME=${work}`);
    expect(lines.some((l) => /REDIS|NEO4J|COGO_|VITEST/.test(l))).toBe(false);
    // dash's `ulimit -a`: processes as is, file size in 512-byte blocks (4096 bytes = 8), CPU seconds.
    expect(lines).toContainEqual(expect.stringMatching(/^process\s+64$/));
    expect(lines).toContainEqual(expect.stringMatching(/^file\(blocks\)\s+8$/));
    expect(lines).toContainEqual(expect.stringMatching(/^time\(seconds\)\s+5$/));
    expect(lines).toContainEqual(expect.stringMatching(/^nofiles\s+64$/));
  });

  it('a worker without a working sandbox refuses a build job (UPSTREAM_UNAVAILABLE, retryable) and runs nothing', async () => {
    // Its data folder is out of the sandbox uid's reach: the start-up probe fails.
    const dataDir = path.join(temp.dir, 'locked-data');
    await mkdir(dataDir);
    await chmod(dataDir, 0o700);
    const source = path.join(temp.dir, 'source');
    await mkdir(source);
    const platform = await startPlatform({ COGO_DATA_DIR: dataDir });
    const worker = await startWorkers(platform.runtime, ['build']);
    try {
      const { data } = await platform.graphql<{ enqueueBuild: { jobId: string } }>('mutation($input: BuildInput!) { enqueueBuild(input: $input) { jobId } }', {
        input: { source: { path: source }, steps: [{ name: 'x', run: ['sh', '-c', 'touch ran'] }] },
      });
      const jobId = data!.enqueueBuild.jobId;
      const error = await waitUntil(
        async () => (await platform.runtime.events.read({ kind: 'job', jobId }, undefined, 100)).find((e) => e.type === 'build.error'),
        20_000,
      );
      expect(error.data).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', retryable: true });
      expect(error.data.message).toMatch(/^this worker refuses builds: bubblewrap does not work here/);
      expect((await platform.runtime.events.read({ kind: 'job', jobId }, undefined, 100)).some((e) => e.type === 'build.progress')).toBe(false);
    } finally {
      await worker.close();
      await platform.close();
    }
  });
});
