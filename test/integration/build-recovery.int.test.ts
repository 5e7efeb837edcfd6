import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCypher } from '../../src/graph/driver.js';
import { spawnTsProcess, type TestProcess } from '../support/child-process.js';
import { hostProcessesWith, isBuildTerminal, traversableTempDir } from '../support/build-fixtures.js';
import { startPlatform, waitUntil, type Platform } from './support/platform.js';

describe('build agent: a worker killed mid-build', () => {
  let platform: Platform;
  let temp: Awaited<ReturnType<typeof traversableTempDir>>;
  const workers: TestProcess[] = [];
  let jobId = '';

  beforeAll(async () => {
    temp = await traversableTempDir('cogo-build-recovery-');
    platform = await startPlatform({ COGO_DATA_DIR: path.join(temp.dir, 'data') });
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    if (platform && jobId)
      await runCypher(platform.runtime.driver, platform.config.neo4j.database, 'MATCH (a:Artifact {jobId: $id}) DETACH DELETE a', { id: jobId });
    await platform?.close();
    await temp?.remove();
  });

  const startWorker = async (id: string) => {
    const worker = await spawnTsProcess('test/support/agent-worker.ts', [], {
      env: { ...platform.env, WORKER_ID: id },
      ready: new RegExp(`READY ${id} (\\d+)`),
    });
    workers.push(worker);
    return worker;
  };

  it('takes its sandbox down with it; the job is re-claimed and runs again from a clean work folder', async () => {
    const workRoot = path.join(temp.dir, 'data', 'build', 'work');
    const first = await startWorker('first');
    const { data, errors } = await platform.graphql<{ enqueueBuild: { jobId: string } }>(
      'mutation($input: BuildInput!) { enqueueBuild(input: $input) { jobId } }',
      {
        input: {
          // The source holds the service's data folder (like the default: start folder with `.cogo` inside): it is not copied.
          source: { path: temp.dir },
          steps: [
            // Fails if the folder is not fresh: a re-run that reused the dead run's folder would find `dirty`.
            { name: 'fresh', run: ['sh', '-c', 'test ! -e dirty && touch dirty'] },
            { name: 'slow', run: ['sleep', '7.31'], timeoutSeconds: 30 },
          ],
        },
      },
    );
    if (errors) throw new Error(JSON.stringify(errors));
    jobId = data!.enqueueBuild.jobId;
    const events = () => platform.runtime.events.read({ kind: 'job', jobId }, undefined, 1000);
    await waitUntil(async () => (await events()).some((e) => e.type === 'build.progress' && e.data.step === 'slow' && e.data.phase === 'started'), 30_000);
    await waitUntil(async () => (await hostProcessesWith('sleep 7.31')) > 0, 5000);
    const deadFolders = (await readdir(workRoot)).filter((name) => name.includes(`~${first.ready[1]}~`));
    expect(deadFolders).toHaveLength(1);

    await first.stop('SIGKILL');
    // --die-with-parent: the step's sandbox dies with its worker.
    await waitUntil(async () => (await hostProcessesWith('sleep 7.31')) === 0, 5000);
    expect((await readdir(workRoot)).filter((name) => name.includes(`~${first.ready[1]}~`))).toHaveLength(1);

    // A new worker sweeps the dead worker's folder and re-runs the job in a fresh one.
    await startWorker('second');
    const all = await waitUntil(
      async () => {
        const list = await events();
        return list.some(isBuildTerminal) && list;
      },
      60_000,
      200,
    );
    const done = all.find(isBuildTerminal)!;
    expect(done.type).toBe('build.done');
    expect(done.data.result).toMatchObject({
      ok: true,
      steps: [
        { name: 'fresh', ok: true },
        { name: 'slow', ok: true },
      ],
    });
    const freshRuns = all.filter((e) => e.type === 'build.progress' && e.data.step === 'fresh' && e.data.phase === 'finished');
    expect(freshRuns.map((e) => e.data.ok)).toEqual([true, true]);
    expect(await readdir(workRoot)).toEqual([]);
  }, 90_000);
});
