/**
 * Execute agent benchmark (issue 12). (1) Exactly-once effects under random worker kills: 5-step flows (an
 * order, its payment, a graph record, a webhook, a receipt artifact) through the real API-side control plane,
 * worker processes and an HTTP server that honours Idempotency-Key, while a killer SIGKILLs a random worker every
 * few seconds; the server counts what it applied per flow (goal: 0 duplicates) and the requests it saw twice (what
 * a receiver without the key would have applied twice). (2) Time to recover: from a kill to the job's resumed start
 * on another worker, P95 (goal < 5 s). (3) The ledger's cost per step: the same http.request with and without its
 * two ledger writes, interleaved in one run.
 */
import { randomUUID } from 'node:crypto';
import { createActionLedger, ledgerKey } from '../agents/execute/index.js';
import { loadConfig } from '../src/config/index.js';
import type { BusEvent } from '../src/events/event-types.js';
import { runCypher } from '../src/graph/driver.js';
import { createLogger } from '../src/observability/logger.js';
import { closeRuntime, createRuntime, migrateAll } from '../src/runtime.js';
import type { TestProcess } from '../test/support/child-process.js';
import { startEffectServer } from '../test/support/effect-server.js';
import { isExecuteTerminal, orderFlow, startExecuteWorker } from '../test/support/execute-fixtures.js';
import type { BenchReport } from './run.js';
import { percentile, round } from './support.js';

const FLOWS = Number(process.env.BENCH_EXECUTE_FLOWS ?? 1000);
/** Enqueuing stops after this many seconds even if FLOWS were not reached: the report says how many ran. */
const BUDGET_SECONDS = Number(process.env.BENCH_EXECUTE_SECONDS ?? 300);
const IN_FLIGHT = Number(process.env.BENCH_EXECUTE_IN_FLIGHT ?? 16);
const WORKERS = 3;
const KILL_EVERY_MS: [number, number] = [2000, 5000];
const LEDGER_ROUNDS = Number(process.env.BENCH_EXECUTE_LEDGER_ROUNDS ?? 300);
const log = (line: string) => process.stdout.write(`[execute bench] ${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export default async function executeBench(): Promise<BenchReport> {
  const server = await startEffectServer();
  const prefix = `bench-exec-${randomUUID().slice(0, 6)}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LOG_LEVEL: 'silent',
    DATABASE_URL: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/cogo_test',
    COGO_QUEUE_PREFIX: prefix,
    COGO_EXECUTE_ALLOW_HOSTS: server.host,
    // The benchmark measures recovery and the ledger, not the default per-tenant limits.
    COGO_EXECUTE_RATE_LIMITS: JSON.stringify(
      Object.fromEntries(['http.request', 'webhook.notify', 'graph.upsert', 'artifact.publish'].map((a) => [a, { perSec: 10_000, burst: 10_000 }])),
    ),
  };
  const config = loadConfig(env);
  const runtime = await createRuntime(config, createLogger({ level: 'silent' }));
  const tenant = `bench-exec-${randomUUID().slice(0, 8)}`;
  const principal = { id: 'bench', tenant, scopes: ['*'] };
  const workers = new Set<TestProcess>();
  const jobIds: string[] = [];
  try {
    await migrateAll(runtime);
    const overhead = await ledgerOverhead(runtime, server.url, tenant);
    log(`ledger overhead per step: ${overhead.overheadMs} ms (median ${overhead.withLedgerMs} vs ${overhead.withoutMs} ms)`);

    let nextWorker = 0;
    const spawn = async () => {
      const worker = await startExecuteWorker(env, `bench-${nextWorker++}`);
      workers.add(worker);
    };
    await Promise.all(Array.from({ length: WORKERS }, spawn));
    const kills: number[] = [];
    let stopKilling = false;
    const killer = (async () => {
      while (!stopKilling) {
        await sleep(KILL_EVERY_MS[0] + Math.random() * (KILL_EVERY_MS[1] - KILL_EVERY_MS[0]));
        if (stopKilling) break;
        const live = [...workers].filter((w) => w.child.exitCode === null && w.child.signalCode === null);
        // At least one worker always left running (replacements take seconds to start): recovery, not an outage.
        if (live.length < 2) continue;
        const victim = live[Math.floor(Math.random() * live.length)]!;
        victim.child.kill('SIGKILL');
        kills.push(Date.now());
        workers.delete(victim);
        void spawn().catch((error: unknown) => log(`a replacement worker did not start: ${String(error)}`));
      }
    })();

    const started = Date.now();
    const deadline = started + BUDGET_SECONDS * 1000;
    const outcomes: BusEvent[][] = [];
    let enqueued = 0;
    const runOne = async () => {
      while (enqueued < FLOWS && Date.now() < deadline) {
        const flow = `${tenant}-${enqueued++}`;
        const { jobId } = await runtime.jobs.enqueue({
          type: 'execute',
          input: { steps: orderFlow(server.url, flow) },
          traceId: randomUUID().replace(/-/g, ''),
          principal,
        });
        jobIds.push(jobId);
        outcomes.push(await finished(runtime, jobId));
        if (outcomes.length % 50 === 0) log(`${outcomes.length} flows done, ${kills.length} kills`);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, runOne));
    stopKilling = true;
    await killer;
    const seconds = (Date.now() - started) / 1000;

    // What the server applied, per flow: exactly one order, one payment for that order, one webhook per job.
    const appliedOrders = new Map<string, number>();
    const orderIds = new Map<string, string>();
    for (const e of server.applied.filter((a) => a.path === '/orders')) {
      const flow = (e.body as { flow: string }).flow;
      appliedOrders.set(flow, (appliedOrders.get(flow) ?? 0) + 1);
      orderIds.set(e.reply.id, flow);
    }
    const count = (items: string[]) => items.reduce((m, k) => m.set(k, (m.get(k) ?? 0) + 1), new Map<string, number>());
    const payments = count(server.applied.filter((a) => a.path === '/payments').map((a) => (a.body as { order: string }).order));
    const hooks = count(server.applied.filter((a) => a.path === '/hooks').map((a) => (a.body as { jobId: string }).jobId));
    const extra = (m: Map<string, number>) => [...m.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
    const duplicates = extra(appliedOrders) + extra(payments) + extra(hooks);
    const effects = appliedOrders.size + payments.size + hooks.size;
    const repeatedRequests = [...server.requests.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
    const [graph] = await runCypher<{ records: number; flows: number }>(
      runtime.driver,
      config.neo4j.database,
      'MATCH (r:Record {tenant: $tenant}) RETURN count(r) AS records, count(DISTINCT r.id) AS flows',
      { tenant },
      'READ',
    );

    const ends = outcomes.map((events) => events.find(isExecuteTerminal)!);
    const completed = ends.filter((e) => e.type === 'execute.done').length;
    // Recovery: from a kill to the resumed start of a job the killed worker held (the next `meta started` after it).
    const recoveries: number[] = [];
    for (const events of outcomes) {
      for (const e of events.filter((x) => x.type === 'meta' && x.data.resumed === true)) {
        const at = Date.parse(e.ts);
        const kill = kills.filter((k) => k <= at).at(-1);
        if (kill !== undefined && at - kill < 60_000) recoveries.push(at - kill);
      }
    }
    const recoverP95 = percentile(recoveries, 95);
    const duplicateRate = effects ? duplicates / effects : 0;
    log(
      `${outcomes.length} flows in ${round(seconds)} s: ${completed} completed, ${kills.length} kills, ${duplicates} duplicate effects, recovery P95 ${recoverP95} ms`,
    );
    return {
      name: 'execute',
      goals: {
        duplicateEffectRate: { value: duplicateRate, goal: '0 (exactly once)', met: duplicates === 0 },
        timeToRecoverP95Ms: { value: recoverP95, goal: '< 5000 ms', met: recoverP95 < 5000 },
        everyFlowFinished: { value: completed, goal: `${outcomes.length} flows completed`, met: completed === outcomes.length },
      },
      flows: {
        asked: FLOWS,
        ran: outcomes.length,
        budgetSeconds: BUDGET_SECONDS,
        seconds: round(seconds),
        inFlight: IN_FLIGHT,
        workers: WORKERS,
        completed,
        failed: outcomes.length - completed,
        kills: kills.length,
        resumedJobs: recoveries.length,
      },
      effects: {
        applied: effects,
        duplicates,
        // Requests the server saw again with a key it had already applied: without Idempotency-Key each would have
        // been a second charge.
        repeatedRequests,
        graphRecords: Number(graph?.records ?? 0),
        graphRecordIds: Number(graph?.flows ?? 0),
      },
      recovery: { p50Ms: percentile(recoveries, 50), p95Ms: recoverP95, maxMs: recoveries.length ? Math.max(...recoveries) : null },
      ledger: overhead,
    };
  } finally {
    await Promise.all([...workers].map((w) => w.stop('SIGKILL')));
    await runtime.sql.query('DELETE FROM action_ledger WHERE tenant = $1', [tenant]).catch(() => undefined);
    await runCypher(runtime.driver, config.neo4j.database, 'MATCH (n {tenant: $tenant}) DETACH DELETE n', { tenant }).catch(() => undefined);
    await Promise.all(Object.values(runtime.queues).map((q) => q.obliterate({ force: true }).catch(() => undefined)));
    const keys = await runtime.redis.keys(`${runtime.keyPrefix}:*`);
    for (let i = 0; i < keys.length; i += 500) await runtime.redis.del(...keys.slice(i, i + 500));
    await closeRuntime(runtime);
    await server.close();
  }
}

async function finished(runtime: Awaited<ReturnType<typeof createRuntime>>, jobId: string): Promise<BusEvent[]> {
  for (;;) {
    const events = await runtime.events.read({ kind: 'job', jobId }, undefined, 1000);
    if (events.some(isExecuteTerminal)) return events;
    await sleep(200);
  }
}

/** The same http.request step, run bare and between its two ledger writes, interleaved; medians per step. */
async function ledgerOverhead(runtime: Awaited<ReturnType<typeof createRuntime>>, url: string, tenant: string) {
  const action = runtime.agents.execute.registry.get('http.request')!;
  const ledger = createActionLedger(runtime.sql);
  const jobId = `execute-${randomUUID()}`;
  const bare: number[] = [];
  const ledgered: number[] = [];
  const context = (step: string) => {
    const key = ledgerKey(jobId, step);
    return {
      jobId,
      tenant,
      traceId: 'bench',
      step,
      idempotencyKey: key,
      runKey: key,
      signal: new AbortController().signal,
      principal: { id: 'bench', tenant, scopes: ['*'] },
    };
  };
  const input = { method: 'POST', url: `${url}/overhead`, body: { n: 1 } };
  for (let i = -20; i < LEDGER_ROUNDS; i++) {
    let t = performance.now();
    await action.run(input as never, context(`bare-${i}`));
    const b = performance.now() - t;
    const step = `ledgered-${i}`;
    t = performance.now();
    const ctx = context(step);
    await ledger.start({ key: ctx.runKey, jobId, step, position: i + 20, tenant, action: 'http.request', input });
    const { output } = await action.run(input as never, ctx);
    await ledger.succeed(ctx.runKey, output);
    const l = performance.now() - t;
    if (i < 0) continue;
    bare.push(b);
    ledgered.push(l);
  }
  // What one durable write costs on this database and disk (each ledger write is one commit): the floor of the overhead.
  const commits: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t = performance.now();
    await ledger.start({ key: ledgerKey(jobId, `commit-${i}`), jobId, step: `commit-${i}`, position: 10_000 + i, tenant, action: 'http.request', input });
    commits.push(performance.now() - t);
  }
  const withoutMs = percentile(bare, 50);
  const withLedgerMs = percentile(ledgered, 50);
  return {
    writesPerStep: 2,
    oneLedgerWriteMs: percentile(commits, 50),
    rounds: LEDGER_ROUNDS,
    sql: runtime.sql.kind,
    withoutMs,
    withLedgerMs,
    overheadMs: round(withLedgerMs - withoutMs),
    p95WithoutMs: percentile(bare, 95),
    p95WithLedgerMs: percentile(ledgered, 95),
  };
}
