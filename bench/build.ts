/**
 * Build agent benchmark (issue 11). (1) Sandbox overhead per step: the same step spawned directly, through the
 * sandbox layer unsandboxed (prlimit, clean environment) and under bubblewrap, interleaved in one run; goal: the
 * sandbox adds < 150 ms per step (median). (2) `build.log` lines per second delivered to a subscriber of the
 * job's event stream, through the real worker host, event bus and Redis, with the live-log rate limit lifted.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { detectIsolation } from '../agents/build/isolation.js';
import { runStep } from '../agents/build/sandbox.js';
import type { Isolation, StepLimits } from '../agents/build/sandbox-types.js';
import { startWorkers } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { runCypher } from '../src/graph/driver.js';
import { createLogger } from '../src/observability/logger.js';
import { closeRuntime, createRuntime, migrateAll } from '../src/runtime.js';
import type { BenchReport } from './run.js';
import { percentile, round } from './support.js';

const ROUNDS = Number(process.env.BENCH_BUILD_ROUNDS ?? 30);
const LOG_LINES = Number(process.env.BENCH_BUILD_LOG_LINES ?? 100_000);
const LIMITS: StepLimits = {
  cpuSeconds: 60,
  memoryBytes: 4 * 2 ** 30,
  processes: 256,
  openFiles: 1024,
  fileBytes: 2 ** 30,
  outputBytes: 2 ** 30,
  timeoutSeconds: 60,
};
const log = (line: string) => process.stdout.write(`[build bench] ${line}\n`);

function spawnDirect(argv: string[], cwd: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    // The same clean environment the layer gives a step: the worker's (NODE_OPTIONS, npm's variables) would slow node down.
    const child = spawn(argv[0]!, argv.slice(1), { cwd, env: { PATH: '/usr/bin:/bin', HOME: cwd }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.resume();
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', () => resolve(performance.now() - started));
  });
}

async function viaLayer(isolation: Isolation, argv: string[], workDir: string, hostUid: number | undefined): Promise<number> {
  const started = performance.now();
  const outcome = await runStep({ isolation, argv, workDir, env: {}, limits: LIMITS, hostUid, onLine: () => {} });
  if (outcome.end !== 'exited' || outcome.exitCode !== 0) throw new Error(`${argv.join(' ')}: ${JSON.stringify(outcome)}`);
  return performance.now() - started;
}

async function overhead(dir: string) {
  const root = process.getuid?.() === 0;
  const hostUid = root ? 300_000 : undefined;
  const detected = await detectIsolation({ stateDir: path.join(dir, 'state'), allowUnsandboxed: false, hostUid });
  if (!detected.isolation) throw new Error(`no sandbox on this machine: ${detected.problem}`);
  const bwrap = detected.isolation;
  const none: Isolation = { mode: 'none', prlimit: bwrap.prlimit, reason: 'benchmark baseline' };
  const workDir = path.join(dir, 'work');
  await mkdir(workDir, { recursive: true });
  if (hostUid !== undefined) await chown(workDir, hostUid, hostUid);
  const steps: Record<string, string[]> = { true: ['/bin/true'], 'node -e 0': [process.execPath, '-e', '0'] };
  const report: Record<string, unknown> = {};
  let worst = 0;
  for (const [name, argv] of Object.entries(steps)) {
    const times = { direct: [] as number[], prlimit: [] as number[], bwrap: [] as number[] };
    // Interleaved, after a warm-up of each, so that caches and machine load affect all three alike.
    for (let i = -3; i < ROUNDS; i++) {
      const d = await spawnDirect(argv, workDir);
      const p = await viaLayer(none, argv, workDir, undefined);
      const b = await viaLayer(bwrap, argv, workDir, hostUid);
      if (i < 0) continue;
      times.direct.push(d);
      times.prlimit.push(p);
      times.bwrap.push(b);
    }
    const p50 = (xs: number[]) => round(percentile(xs, 50), 1);
    const p95 = (xs: number[]) => round(percentile(xs, 95), 1);
    const added = round(p50(times.bwrap) - p50(times.direct), 1);
    worst = Math.max(worst, added);
    report[name] = {
      directMs: { p50: p50(times.direct), p95: p95(times.direct) },
      unsandboxedLayerMs: { p50: p50(times.prlimit), p95: p95(times.prlimit) },
      bwrapMs: { p50: p50(times.bwrap), p95: p95(times.bwrap) },
      sandboxOverheadMsP50: added,
    };
    log(`${name}: direct p50 ${p50(times.direct)} ms, layer unsandboxed ${p50(times.prlimit)} ms, bwrap ${p50(times.bwrap)} ms (+${added} ms)`);
  }
  return { report, worst };
}

async function logThroughput(dir: string) {
  const base = loadConfig();
  const recorded = path.join(base.dataDir, 'test-services.json');
  const databaseUrl = process.env.TEST_DATABASE_URL ?? base.postgres.url ?? (JSON.parse(readFileSync(recorded, 'utf8')) as { databaseUrl: string }).databaseUrl;
  const config = loadConfig({
    ...process.env,
    LOG_LEVEL: 'silent',
    DATABASE_URL: databaseUrl,
    COGO_QUEUE_PREFIX: `bench-build-${randomUUID().slice(0, 6)}`,
    COGO_DATA_DIR: path.join(dir, 'data'),
    COGO_INDEX_ROOTS: dir,
    COGO_BUILD_LOG_LINES_PER_SECOND: '100000000',
    COGO_BUILD_OUTPUT_BYTES: String(2 ** 30),
  });
  const runtime = await createRuntime(config, createLogger({ level: 'silent' }));
  const tenant = `bench-build-${randomUUID().slice(0, 8)}`;
  try {
    await migrateAll(runtime);
    const worker = await startWorkers(runtime, ['build']);
    const source = path.join(dir, 'source');
    await mkdir(source, { recursive: true });
    const { jobId } = await runtime.jobs.enqueue({
      type: 'build',
      input: { source: { path: source }, steps: [{ name: 'print', run: ['seq', '1', String(LOG_LINES)] }] },
      traceId: randomUUID().replace(/-/g, ''),
      principal: { id: 'bench', tenant },
    });
    let lines = 0;
    let events = 0;
    let first = 0;
    let last = 0;
    for await (const event of runtime.events.subscribe({ kind: 'job', jobId })) {
      if (event.type === 'build.log') {
        first ||= performance.now();
        last = performance.now();
        events++;
        lines += (event.data.lines as unknown[]).length;
      }
      if (event.type === 'build.done' || event.type === 'job.dead') break;
    }
    await worker.close();
    await runCypher(runtime.driver, config.neo4j.database, 'MATCH (n {tenant: $tenant}) DETACH DELETE n', { tenant });
    await Promise.all(Object.values(runtime.queues).map((q) => q.obliterate({ force: true }).catch(() => {})));
    const seconds = (last - first) / 1000;
    const perSecond = Math.round(lines / Math.max(seconds, 0.001));
    log(`build.log: ${lines} lines in ${events} events over ${round(seconds, 2)} s: ${perSecond} lines/s to one subscriber`);
    return { lines, events, seconds: round(seconds, 2), linesPerSecond: perSecond };
  } finally {
    await closeRuntime(runtime);
  }
}

export default async function buildBench(): Promise<BenchReport> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cogo-bench-build-'));
  // The sandbox's host uid must be able to reach its work folder (docs/build.md).
  await chmod(dir, 0o755);
  try {
    const { report, worst } = await overhead(dir);
    const throughput = await logThroughput(dir);
    return {
      name: 'build',
      rounds: ROUNDS,
      overhead: report,
      buildLog: throughput,
      goals: {
        sandboxOverheadMsP50: { value: worst, goal: '< 150', met: worst < 150 },
        buildLogLinesPerSecond: { value: throughput.linesPerSecond, goal: 'reported (no goal set)', met: true },
      },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
