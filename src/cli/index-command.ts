import { randomUUID } from 'node:crypto';
import { watch } from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { Redis } from 'ioredis';
import { loadConfig, type Config } from '../config/index.js';
import { createPostgresClient } from '../db/postgres-client.js';
import { isAppError } from '../errors.js';
import { createEventBus } from '../events/event-bus.js';
import type { BusEvent } from '../events/event-types.js';
import { createAuditLog } from '../audit/audit-log.js';
import { createSqlEventSink } from '../events/sql-sink.js';
import { createGraphDriver } from '../graph/driver.js';
import { createJobLineage } from '../graph/job-lineage.js';
import { createLogger } from '../observability/logger.js';
import { createJobQueries } from '../queue/job-queries.js';
import { createInputChecks } from '../queue/input-checks.js';
import { createJobService } from '../queue/job-service.js';
import { closeQueues, createQueues, keyPrefixOf } from '../queue/queues.js';

interface IndexOptions {
  full?: boolean;
  watch?: boolean;
  include?: string[];
  exclude?: string[];
  prune?: boolean;
}

const say = (line: string) => process.stdout.write(`${line}\n`);
const PRINCIPAL = { id: 'cli', tenant: 'default' } as const;

/**
 * `cogo index <dir>`: enqueues an indexing job and follows its events until `indexing.done`. It talks to Redis and
 * Neo4j only (the job platform's control plane) and never opens the embedded PGlite database, which belongs to
 * the one process that runs the service; a worker (`npm start` or `cogo worker --queues indexing`) does the work.
 */
export function registerIndexCommand(program: Command): void {
  program
    .command('index <dir>')
    .description('index a folder into pgvector + Neo4j through the indexing queue, with a live progress bar')
    .option('--full', 're-process every file (mode full); rebuilds the index when another embedder made it')
    .option('--watch', 'stay running and re-index (incrementally) whenever files under <dir> change')
    .option('--include <patterns...>', 'gitignore-style patterns; only matching files are indexed')
    .option('--exclude <patterns...>', 'gitignore-style patterns to skip (secrets such as .env* are always skipped)')
    .option('--prune', 'also delete indexed files that only fell out of --include/--exclude (kept by default)')
    .action(async (dir: string, options: IndexOptions) => {
      const config = loadConfig();
      // Absolute before it leaves this machine: the worker's working directory is not ours.
      const root = path.resolve(dir);
      const plane = openControlPlane(config);
      let code = 0;
      try {
        const workers = (await plane.jobQueries.agents()).filter((agent) => agent.queues.includes('indexing'));
        if (workers.length === 0) {
          say('no worker serves the indexing queue: start one with `npm start` or `cogo worker --queues indexing`; the job waits in the queue until then (Ctrl-C leaves it queued)');
        }
        const input = { root, mode: options.full ? 'full' : 'incremental', ...(options.include ? { include: options.include } : {}), ...(options.exclude ? { exclude: options.exclude } : {}), ...(options.prune ? { prune: true } : {}) };
        code = options.watch ? await watchAndReindex(plane, root, input) : await runOnce(plane, input);
      } catch (error) {
        if (!isAppError(error)) throw error;
        process.stderr.write(`index failed: ${error.code}: ${error.message}\n`);
        code = 1;
      } finally {
        await plane.close();
      }
      process.exitCode = code;
    });
}

type ControlPlane = ReturnType<typeof openControlPlane>;

function openControlPlane(config: Config) {
  const connect = () => new Redis(config.redis.url, { maxRetriesPerRequest: null }).on('error', () => {});
  const redis = connect();
  const subscriber = connect();
  const driver = createGraphDriver(config.neo4j);
  const keyPrefix = keyPrefixOf(config.redis.prefix);
  // With a Postgres server the CLI's own events (the enqueue) reach bus_events like everyone else's.
  const sql = config.postgres.url ? createPostgresClient(config.postgres.url, { max: 2 }) : undefined;
  const sink = sql ? createSqlEventSink(sql, createLogger({ level: 'silent' })) : undefined;
  const audit = sql ? createAuditLog(sql, createLogger({ level: 'silent' })) : undefined;
  const events = createEventBus({ redis, subscriber, keyPrefix, ...(sink ? { onPublished: (event, stream) => sink.push(event, stream) } : {}) });
  const queues = createQueues(redis, config.redis.prefix);
  const lineage = createJobLineage(driver, config.neo4j.database);
  const jobs = createJobService({ redis, queues, lineage, events, ...(audit ? { audit } : {}), checkInput: createInputChecks(config.indexing), prefix: config.redis.prefix, maxPayloadBytes: config.http.maxPayloadBytes });
  const jobQueries = createJobQueries({ redis, queues, lineage, keyPrefix });
  return {
    events,
    jobs,
    jobQueries,
    async close() {
      await closeQueues(queues).catch(() => {});
      await events.close();
      await Promise.all([sink?.close(), audit?.close()]).catch(() => {});
      await sql?.close().catch(() => {});
      await driver.close();
      subscriber.disconnect();
      await redis.quit().catch(() => {});
    },
  };
}

/** Enqueues one job and follows it; 0 when it completed, 1 when it failed or was cancelled. */
async function runOnce(plane: ControlPlane, input: Record<string, unknown>): Promise<number> {
  const traceId = randomUUID().replace(/-/g, '');
  const { jobId } = await plane.jobs.enqueue({ type: 'indexing', input, traceId, principal: PRINCIPAL });
  say(`indexing ${String(input.root)} (${String(input.mode)}) as job ${jobId}`);
  const view = createProgressView();
  try {
    for await (const event of plane.events.subscribe({ kind: 'job', jobId })) {
      const outcome = handleEvent(event, view);
      if (outcome !== undefined) return outcome;
    }
    return 1;
  } finally {
    view.stop();
  }
}

function handleEvent(event: BusEvent, view: ReturnType<typeof createProgressView>): number | undefined {
  const data = event.data;
  switch (event.type) {
    case 'meta':
      if (data.phase === 'started' && data.resumed) view.note(`resumed by worker ${String(data.workerId)} (attempt ${String(data.attempt)})`);
      return undefined;
    case 'indexing.progress':
      view.update(data);
      return undefined;
    case 'job.stalled':
      view.note('the worker running the job stopped answering; another worker will resume it from its checkpoint');
      return undefined;
    case 'job.retrying':
      view.note(`attempt ${String(data.attempt)} failed (${describeError(data.error)}); retrying`);
      return undefined;
    case 'indexing.done': {
      view.stop();
      const r = (data.result ?? {}) as Record<string, unknown>;
      say(`done in ${Math.round(Number(r.durationMs ?? 0))} ms: ${r.added} added, ${r.updated} updated, ${r.skipped} unchanged, ${r.deleted} deleted, ${r.failed} failed; ` +
        `${r.chunksEmbedded} chunks embedded, ${r.chunksReused} reused (embedder ${r.embedder}${r.localEmbedder ? ', local feature hashing' : ''})`);
      for (const failed of (r.failedFiles as { path: string; reason: string; detail?: string }[] | undefined) ?? []) {
        say(`  failed: ${failed.path} (${failed.reason}${failed.detail ? `: ${failed.detail}` : ''})`);
      }
      say(`report: artifact ${String(r.reportArtifactId)}`);
      return 0;
    }
    case 'job.dead':
      view.stop();
      say(`indexing ${String(data.status)}: ${describeError(data.error)}`);
      return 1;
    case 'job.cancelled':
      view.stop();
      say('indexing cancelled');
      return 1;
    default:
      return undefined;
  }
}

function describeError(error: unknown): string {
  const e = (error ?? {}) as { code?: string; message?: string };
  return `${e.code ?? 'ERROR'}: ${e.message ?? 'unknown error'}`;
}

/** A progress bar on a terminal; on anything else (CI, a pipe) a plain line per phase and every two seconds. */
function createProgressView() {
  const tty = Boolean(process.stdout.isTTY);
  const bar = new cliProgress.SingleBar(
    {
      format: '{bar} {value}/{total} files | {changed} changed, {skipped} unchanged, {failed} failed | {chunks} chunks embedded | {rate} files/s | ETA {etaText} | {phase}',
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let lastLine = 0;
  let lastPhase: unknown;
  return {
    update(data: Record<string, unknown>) {
      const total = Number(data.filesSeen ?? 0);
      const payload = {
        changed: data.filesChanged, skipped: data.filesSkipped, failed: data.filesFailed, chunks: data.chunksEmbedded, rate: data.filesPerSecond,
        etaText: data.etaSeconds === null || data.etaSeconds === undefined ? '-' : `${data.etaSeconds}s`, phase: data.phase,
      };
      if (tty) {
        if (!started) bar.start(total, 0, payload);
        started = true;
        bar.setTotal(total);
        bar.update(Number(data.filesChecked ?? 0), payload);
      } else if (Date.now() - lastLine >= 2000 || data.phase !== lastPhase) {
        lastLine = Date.now();
        lastPhase = data.phase;
        say(`progress: ${String(data.phase)} ${String(data.filesChecked)}/${total} files, ${String(payload.changed)} changed, ${String(payload.chunks)} chunks embedded, ${String(payload.rate)} files/s, ETA ${payload.etaText}`);
      }
    },
    note(line: string) {
      if (started) bar.stop();
      started = false;
      say(line);
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}

/**
 * `--watch`: index once, then re-index (incrementally) after changes settle; changes during a run trigger one
 * more run after it. The watcher starts before the first run: Node sets up a recursive watch on Linux
 * asynchronously, and a change made right after "watching" must not fall into that gap.
 */
async function watchAndReindex(plane: ControlPlane, root: string, input: Record<string, unknown>): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  let dirty = false;
  let wake: (() => void) | undefined;
  const watcher = watch(root, { recursive: true }, (_event, filename) => {
    const name = String(filename ?? '');
    if (/(^|[\\/])(\.git|node_modules)([\\/]|$)/.test(name)) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      dirty = true;
      wake?.();
    }, 750);
  });
  const stopped = new Promise<'stop'>((resolve) => process.once('SIGINT', () => resolve('stop')));
  try {
    await runOnce(plane, input);
    input = { ...input, mode: 'incremental' };
    say(`watching ${root} for changes (Ctrl-C to stop)`);
    for (;;) {
      if (!dirty && (await Promise.race([new Promise<'change'>((resolve) => (wake = () => resolve('change'))), stopped])) === 'stop') return 0;
      // Changes made while this run goes set `dirty` again: the loop runs once more right after it.
      dirty = false;
      await runOnce(plane, input);
    }
  } finally {
    clearTimeout(timer);
    watcher.close();
  }
}
