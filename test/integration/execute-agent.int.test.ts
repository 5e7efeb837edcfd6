import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerKey } from '../../agents/execute/index.js';
import { createKeyStore } from '../../src/auth/key-store.js';
import { runCypher } from '../../src/graph/driver.js';
import type { TestProcess } from '../support/child-process.js';
import { startEffectServer, type EffectServer, type Verdict } from '../support/effect-server.js';
import { isExecuteTerminal, orderFlow, startExecuteWorker } from '../support/execute-fixtures.js';
import { maxInWindow } from '../support/rate-window.js';
import { startPlatform, waitUntil, type Platform } from './support/platform.js';

const ENQUEUE = 'mutation($input: ExecuteInput!) { enqueueExecute(input: $input) { jobId } }';

describe('execute agent', () => {
  let platform: Platform;
  let server: EffectServer;
  const workers: TestProcess[] = [];
  const starting: Promise<TestProcess>[] = [];

  beforeAll(async () => {
    server = await startEffectServer();
    platform = await startPlatform({
      COGO_EXECUTE_ALLOW_HOSTS: server.host,
      COGO_EXECUTE_RATE_LIMITS: JSON.stringify({ 'webhook.notify': { perSec: 4, burst: 1 } }),
    });
    // Two workers throughout: when one is killed the other takes the job over, and a replacement starts meanwhile.
    await Promise.all([spawn('w0'), spawn('w1')]);
  });
  afterAll(async () => {
    await Promise.allSettled(starting);
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await platform?.close();
    await server?.close();
  });

  async function spawn(id: string) {
    const started = await startExecuteWorker(platform.env, id);
    workers.push(started);
    return started;
  }
  const events = (jobId: string) => platform.runtime.events.read({ kind: 'job', jobId }, undefined, 1000);
  async function enqueue(input: Record<string, unknown>): Promise<string> {
    const { data, errors } = await platform.graphql<{ enqueueExecute: { jobId: string } }>(ENQUEUE, { input });
    if (errors) throw new Error(JSON.stringify(errors));
    return data!.enqueueExecute.jobId;
  }
  async function outcome(jobId: string, timeoutMs = 40_000) {
    const all = await waitUntil(
      async () => {
        const list = await events(jobId);
        return list.some(isExecuteTerminal) && list;
      },
      timeoutMs,
      100,
    );
    return { all, end: all.find(isExecuteTerminal)!, progress: all.filter((e) => e.type === 'execute.progress').map((e) => e.data) };
  }
  const ledger = async (jobId: string) =>
    (
      await platform.runtime.sql.query<{ step: string; status: string; attempts: number }>(
        'SELECT step, status, attempts FROM action_ledger WHERE job_id = $1 ORDER BY position',
        [jobId],
      )
    ).rows;

  describe('a 5-step flow whose worker is SIGKILLed at step boundaries and inside steps', () => {
    // Each run kills the worker once, at a different place: before a call landed, after the effect and before the
    // reply reached the ledger, and right after the reply (the ledger write racing the kill).
    const kills: Array<{ path: string; how: Verdict | 'kill-after-reply' }> = [
      { path: '/orders', how: 'apply-then-drop' },
      { path: '/payments', how: 'drop' },
      { path: '/payments', how: 'kill-after-reply' },
      { path: '/hooks', how: 'apply-then-drop' },
      { path: '/hooks', how: 'drop' },
      { path: '/orders', how: 'kill-after-reply' },
    ];

    it.each(kills.map((k, i) => [i, k.path, k.how] as const))('run %i: killed at %s (%s) — completes, every effect applied once', async (run, path, how) => {
      const flow = `${platform.tenant}-kill-${run}`;
      let killed = false;
      let killing: Promise<void> | undefined;
      // The worker running the job is the one whose process id its last start event names (`<host>-<pid>-<id>`).
      const kill = async () => {
        killed = true;
        // The worker may be at this step before the enqueue call has returned.
        const jobId = await enqueued;
        const started = (await events(jobId)).filter((e) => e.type === 'meta' && e.data.phase === 'started');
        const workerId = String(started.at(-1)?.data.workerId);
        const victim = workers.find((w) => w.child.exitCode === null && workerId.includes(`-${w.ready[1]}-`));
        if (!victim) throw new Error(`no live worker runs ${jobId} (record: ${workerId})`);
        victim.child.kill('SIGKILL');
        // Not awaited: the surviving worker takes the job over while the replacement starts (for the next run).
        starting.push(spawn(`r${run}`));
      };
      server.decide = async (request): Promise<Verdict> => {
        if (killed || request.path !== path) return 'apply';
        if (how === 'kill-after-reply') {
          // Killed while the reply travels back: the ledger write races the kill.
          killing = kill();
          return 'apply';
        }
        await kill();
        return how;
      };
      const enqueued = enqueue({ steps: orderFlow(server.url, flow) });
      const jobId = await enqueued;
      const { end, progress, all } = await outcome(jobId);
      if (process.env.DEBUG_TIMELINE) console.log(all.map((e) => `${e.ts} ${e.type} ${JSON.stringify(e.data).slice(0, 80)}`).join('\n'));
      await killing;
      expect(killed).toBe(true);
      expect(end.type).toBe('execute.done');
      expect((end.data.result as { ok: boolean }).ok).toBe(true);

      // Exactly one application per effect, however many requests the kill caused.
      const order = server.applied.filter((e) => e.path === '/orders' && (e.body as { flow: string }).flow === flow);
      expect(order).toHaveLength(1);
      const payments = server.applied.filter((e) => e.path === '/payments' && (e.body as { order: string }).order === order[0]!.reply.id);
      expect(payments).toHaveLength(1);
      expect(server.applied.filter((e) => e.path === '/hooks' && (e.body as { jobId: string }).jobId === jobId)).toHaveLength(1);
      const killedStep = { '/orders': 'order', '/payments': 'pay', '/hooks': 'notify' }[path]!;
      const key = ledgerKey(jobId, killedStep);
      // The interrupted step was sent again with the same key (a dropped call: the repeat is the only application).
      expect(server.requests.get(key)).toBeGreaterThanOrEqual(how === 'kill-after-reply' ? 1 : 2);
      expect(server.applied.filter((e) => e.key === key)).toHaveLength(1);

      const rows = await ledger(jobId);
      expect(rows.map((r) => [r.step, r.status])).toEqual(['order', 'pay', 'record', 'notify', 'receipt'].map((s) => [s, 'succeeded']));
      // The re-run skipped what had succeeded before the kill.
      const index = ['order', 'pay', 'record', 'notify', 'receipt'].indexOf(killedStep);
      const skipped = progress.filter((p) => p.phase === 'skipped-as-done').map((p) => p.step);
      expect(skipped).toEqual(expect.arrayContaining(['order', 'pay', 'record', 'notify'].slice(0, index)));
      const produced = await runCypher<{ label: string; n: number }>(
        platform.runtime.driver,
        platform.config.neo4j.database,
        'MATCH (:Job {id: $jobId})-[:PRODUCED]->(n) RETURN labels(n)[0] AS label, count(*) AS n ORDER BY label',
        { jobId },
        'READ',
      );
      expect(produced.map((r) => [r.label, Number(r.n)])).toEqual([
        ['Artifact', 1],
        ['Record', 1],
      ]);
    });
  });

  it('step 4 failing for good runs the compensations of steps 3, 2 and 1, in that order, and the job fails with the account', async () => {
    server.decide = (request) => (request.path === '/reject' ? 'reject' : 'apply');
    const reserve = (name: string) => ({
      name,
      action: 'http.request',
      input: { method: 'POST', url: `${server.url}/reserve/${name}`, compensate: { method: 'DELETE', url: `${server.url}/reserve/{output.body.id}` } },
    });
    const jobId = await enqueue({
      steps: [
        reserve('one'),
        reserve('two'),
        reserve('three'),
        { name: 'four', action: 'http.request', input: { url: `${server.url}/reject` } },
        reserve('five'),
      ],
    });
    const { end, progress } = await outcome(jobId);
    expect(end.type).toBe('job.dead');
    expect(end.data).toMatchObject({ status: 'failed', error: { code: 'BAD_INPUT', retryable: false } });
    expect((end.data.error as { message: string }).message).toMatch(/step "four" failed for good .*undone: one, two, three; not undone: nothing/);
    const reserved = new Map(
      server.applied.filter((e) => e.method === 'POST' && e.path.startsWith('/reserve/')).map((e) => [e.reply.id, e.path.split('/')[2]]),
    );
    const undone = server.applied.filter((e) => e.method === 'DELETE').map((e) => reserved.get(e.path.split('/')[2]!));
    expect(undone).toEqual(['three', 'two', 'one']);
    expect(progress.filter((p) => p.phase === 'compensated').map((p) => p.step)).toEqual(['three', 'two', 'one']);
    expect(server.applied.some((e) => e.path === '/reserve/five')).toBe(false);
    expect((await ledger(jobId)).map((r) => [r.step, r.status])).toEqual([
      ['one', 'compensated'],
      ['two', 'compensated'],
      ['three', 'compensated'],
      ['four', 'failed'],
    ]);
    const audit = await waitUntil(async () => {
      const { rows } = await platform.runtime.sql.query<{ action: string; target: string }>(
        "SELECT action, target FROM audit_log WHERE target LIKE $1 || '/%' ORDER BY id",
        [jobId],
      );
      return rows.length >= 7 && rows;
    });
    expect(audit.map((r) => `${r.action} ${r.target.split('/')[1]}`)).toEqual([
      'execute.http.request one',
      'execute.http.request two',
      'execute.http.request three',
      'execute.http.request four',
      'compensate.http.request three',
      'compensate.http.request two',
      'compensate.http.request one',
    ]);
  });

  describe('at enqueue', () => {
    const post = (body: unknown, key: string) =>
      fetch(`${platform.url}/v1/execute/enqueue`, {
        method: 'POST',
        headers: { ...platform.headers(), authorization: `Bearer ${key}` },
        body: JSON.stringify(body),
      });
    const keyWith = async (scopes: string[]) =>
      (await createKeyStore(platform.runtime.sql).create({ name: 'execute test', tenant: platform.tenant, scopes })).key;
    const webhook = () => ({ name: 'tell', action: 'webhook.notify', input: { url: `${server.url}/hooks`, event: 'x' } });

    it('refuses a flow with a step whose scope the key lacks (FORBIDDEN) and runs nothing', async () => {
      const before = { jobs: await platform.countJobs(), requests: server.arrivals.length };
      const key = await keyWith(['jobs:enqueue:execute', 'execute:webhook.notify', 'execute:graph.upsert']);
      const withoutAction = await post({ steps: [webhook(), { name: 'g', action: 'http.request', input: { url: `${server.url}/x` } }] }, key);
      expect(withoutAction.status).toBe(403);
      expect(await withoutAction.json()).toMatchObject({ ok: false, code: 'FORBIDDEN', error: expect.stringContaining('execute:http.request') });
      // graph.upsert needs graph:write besides execute:graph.upsert: the flow check asks the action.
      const upsert = { name: 'g', action: 'graph.upsert', input: { nodes: [{ id: 'n', kind: 'Thing' }] } };
      const withoutGraphWrite = await post({ steps: [webhook(), upsert] }, key);
      expect(withoutGraphWrite.status).toBe(403);
      expect(await withoutGraphWrite.json()).toMatchObject({ code: 'FORBIDDEN', error: expect.stringContaining('graph:write') });
      expect(await platform.countJobs()).toBe(before.jobs);
      expect(server.arrivals.length).toBe(before.requests);
    });

    it.each([
      ['an unknown action', { steps: [{ name: 'a', action: 'mail.send', input: {} }] }, 400, /unknown action "mail.send"/],
      ['a bad input', { steps: [{ name: 'a', action: 'webhook.notify', input: { event: 'x' } }] }, 400, /steps\.a\.input\.url/],
      [
        'a reference to a later step',
        {
          steps: [
            { name: 'a', action: 'webhook.notify', input: { url: { $ref: 'steps.b.output.x' }, event: 'x' } },
            { name: 'b', action: 'webhook.notify', input: { url: 'SERVER/hooks', event: 'y' } },
          ],
        },
        400,
        /"b" is not an earlier step/,
      ],
      ['a host not on the allow-list', { action: 'http.request', params: { url: 'http://example.com/' } }, 403, /COGO_EXECUTE_ALLOW_HOSTS/],
    ])('refuses %s and enqueues nothing', async (_what, body, status, message) => {
      const before = await platform.countJobs();
      const response = await fetch(`${platform.url}/v1/execute/enqueue`, {
        method: 'POST',
        headers: platform.headers(),
        body: JSON.stringify(body).replaceAll('SERVER', server.url),
      });
      expect(response.status).toBe(status);
      expect(((await response.json()) as { error: string }).error).toMatch(message);
      expect(await platform.countJobs()).toBe(before);
    });

    it('a dry run returns the plan and its checks and calls nothing (one-action form, over REST)', async () => {
      const before = server.arrivals.length;
      const response = await fetch(`${platform.url}/v1/execute/enqueue`, {
        method: 'POST',
        headers: platform.headers(),
        body: JSON.stringify({ action: 'webhook.notify', params: { url: `${server.url}/hooks`, event: 'dry' }, dryRun: true }),
      });
      expect(response.status).toBe(202);
      const { jobId } = (await response.json()) as { jobId: string };
      const { end } = await outcome(jobId);
      expect(end.data.result).toMatchObject({
        dryRun: true,
        ran: 0,
        plan: [
          { name: 'webhook-notify', action: 'webhook.notify', scopes: ['execute:webhook.notify'], compensable: false, rateLimit: { perSec: 4, burst: 1 } },
        ],
        checks: [{ step: 'webhook-notify', held: true }],
      });
      expect(server.arrivals.length).toBe(before);
    });
  });

  it('a key revoked while its flow runs stops the flow before its next step', async () => {
    const keys = createKeyStore(platform.runtime.sql);
    const { key, record } = await keys.create({ name: 'revoked mid-flow', tenant: platform.tenant, scopes: ['jobs:enqueue:execute', 'execute:http.request'] });
    server.decide = async (request): Promise<Verdict> => {
      if (request.path === '/revoke/1') await keys.revoke(record.id);
      return 'apply';
    };
    const step = (n: number) => ({ name: `s${n}`, action: 'http.request', input: { url: `${server.url}/revoke/${n}` } });
    const response = await fetch(`${platform.url}/v1/execute/enqueue`, {
      method: 'POST',
      headers: { ...platform.headers(), authorization: `Bearer ${key}` },
      body: JSON.stringify({ steps: [step(1), step(2), step(3)] }),
    });
    expect(response.status).toBe(202);
    const { jobId } = (await response.json()) as { jobId: string };
    const { end } = await outcome(jobId);
    expect(end.data).toMatchObject({ status: 'failed', error: { code: 'FORBIDDEN' } });
    expect((end.data.error as { message: string }).message).toMatch(/was revoked/);
    expect(server.arrivals.filter((a) => a.path.startsWith('/revoke/')).map((a) => a.path)).toEqual(['/revoke/1']);
    expect((await ledger(jobId)).map((r) => [r.step, r.status])).toEqual([['s1', 'succeeded']]);
  });

  it('holds a per-tenant action rate limit across two worker processes', async () => {
    server.decide = () => 'apply';
    await Promise.all(starting);
    const jobIds = await Promise.all(
      Array.from({ length: 12 }, (_, i) => enqueue({ action: 'webhook.notify', params: { url: `${server.url}/rated/${i}`, event: 'tick' } })),
    );
    await Promise.all(jobIds.map((id) => outcome(id)));
    const times = server.arrivals.filter((a) => a.path.startsWith('/rated/')).map((a) => a.at);
    expect(times).toHaveLength(12);
    // 4 per second with a burst of 1: at most 1 + 4 in any second (+1 for arrival jitter at the window's edges),
    // whichever worker sent them; unlimited, the 12 would arrive within a few hundred milliseconds.
    expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(6);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(2000);
    const ranBy = await Promise.all(jobIds.map(async (id) => (await events(id)).find((e) => e.type === 'meta' && e.data.phase === 'started')?.data.workerId));
    expect(new Set(ranBy).size).toBeGreaterThanOrEqual(2);
  });
});
