import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerHost } from '../../src/queue/worker-host.js';
import { VERSION } from '../../src/version.js';
import { runCli } from '../support/indexing-fixtures.js';
import { startScriptedExecuteWorker } from '../support/scripted-host.js';
import { startPlatform, waitUntil, type Platform } from './support/platform.js';

describe('cogo jobs and cogo dlq (the CLI as an API client, output piped)', () => {
  let platform: Platform;
  let worker: WorkerHost;

  beforeAll(async () => {
    platform = await startPlatform();
    worker = await startScriptedExecuteWorker(platform.runtime);
  });
  afterAll(async () => {
    await worker?.close();
    await platform?.close();
  });

  const cli = (...args: string[]) => runCli(args, platform.env);
  const enqueue = async (params: Record<string, unknown>) =>
    (
      await platform.graphql<{ enqueueExecute: { jobId: string } }>('mutation($p: JSON) { enqueueExecute(input: {action: "script", params: $p}) { jobId } }', {
        p: params,
      })
    ).data!.enqueueExecute.jobId;
  const statusOf = async (id: string) =>
    (await platform.graphql<{ job: { status: string } }>('query($id: ID!) { job(id: $id) { status } }', { id })).data!.job.status;

  it('tails a job to its end and lists it, printing plain tab-separated lines when piped', async () => {
    const id = await enqueue({ steps: 2, stepMs: 50 });
    const tail = await cli('jobs', 'tail', id);
    expect(tail.code).toBe(0);
    const types = tail.stdout
      .trim()
      .split('\n')
      .map((line) => line.trim().split(' ')[2]);
    expect(types).toEqual(['meta', 'meta', 'execute.progress', 'execute.progress', 'execute.done']);
    expect(tail.stdout).not.toContain('\u001b[');
    // The progress bar is for a terminal: piped, progress events stay lines (above) and nothing is drawn.
    expect(tail.stdout + tail.stderr).not.toMatch(/[█░]/);

    const ls = await cli('jobs', 'ls', '--type', 'execute');
    expect(ls.code).toBe(0);
    const row = ls.stdout.split('\n').find((line) => line.startsWith(id))!;
    expect(row.split('\t').slice(0, 4)).toEqual([id, 'execute', 'completed', '1/3']);
  });

  it('lists a dead letter and requeues it; --json for scripts', async () => {
    const id = await enqueue({ failRuns: 1, failCode: 'BAD_INPUT' });
    await waitUntil(async () => (await statusOf(id)) === 'failed');
    const ls = await cli('dlq', 'ls', '--json');
    expect((JSON.parse(ls.stdout) as { id: string; status: string }[]).find((j) => j.id === id)?.status).toBe('failed');
    const requeued = await cli('dlq', 'requeue', id);
    expect(requeued.code).toBe(0);
    expect(requeued.stdout).toMatch(new RegExp(`^id\\s+${id}$`, 'm'));
    expect(await waitUntil(async () => ((await statusOf(id)) === 'completed' ? 'completed' : undefined))).toBe('completed');
  });

  it('cancels a running job, and retries it', async () => {
    // Long enough to still run when the CLI process (a second or more to start) cancels it.
    const id = await enqueue({ steps: 200, stepMs: 100 });
    await waitUntil(async () => (await statusOf(id)) === 'active');
    const cancelled = await cli('jobs', 'cancel', id);
    expect(cancelled.stderr).toBe('');
    expect(cancelled.code).toBe(0);
    await waitUntil(async () => (await statusOf(id)) === 'cancelled');
    const tail = await cli('jobs', 'tail', id, '--json');
    // A cancelled job's tail ends with exit code 2: a script tells it from success.
    expect(tail.code).toBe(2);
    expect(JSON.parse(tail.stdout.trim().split('\n').at(-1)!).type).toBe('job.cancelled');
    const retried = await cli('jobs', 'retry', id, '--json');
    expect(retried.code).toBe(0);
    expect(JSON.parse(retried.stdout)).toMatchObject({ id, type: 'execute' });
    expect(['queued', 'active']).toContain(JSON.parse(retried.stdout).status);
    await platform.graphql('mutation($id: ID!) { cancelJob(id: $id) { id } }', { id });
  });

  it('says what to do when the API refuses: an unknown job, a missing key; --version', async () => {
    const missing = await cli('jobs', 'show', 'execute-00000000-0000-4000-8000-000000000000');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/NOT_FOUND/);
    expect(missing.stderr).toMatch(/cogo jobs ls/);
    const anonymous = await runCli(['jobs', 'ls'], { ...platform.env, COGO_API_KEY: 'cogo_wrong' });
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr).toMatch(/UNAUTHENTICATED[\s\S]*COGO_API_KEY/);
    const version = await runCli(['--version'], platform.env);
    expect(version.stdout.trim()).toBe(VERSION);
  });
});
