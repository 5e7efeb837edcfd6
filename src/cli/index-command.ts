import { watch } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { loadConfig } from '../config/index.js';
import { AppError, isAppError } from '../errors.js';
import type { BusEvent } from '../events/event-types.js';
import { createApiClient, type ApiClient } from './api-client.js';

interface IndexOptions {
  full?: boolean;
  watch?: boolean;
  include?: string[];
  exclude?: string[];
  prune?: boolean;
}

const say = (line: string) => process.stdout.write(`${line}\n`);
/** How long a job may wait unclaimed before the CLI says that no worker may be running. */
const NO_WORKER_HINT_MS = 3000;
const ENQUEUE = 'mutation($input: IndexingInput!) { enqueueIndexing(input: $input) { jobId } }';

/**
 * `cogo index <dir>`: enqueues an indexing job through the API (COGO_URL, COGO_API_KEY) and follows its events
 * until `indexing.done`; a worker (`npm start` or `cogo worker --queues indexing`) does the work.
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
      const api = createApiClient(config.client);
      let code = 0;
      try {
        await assertFolder(root);
        const input = {
          root,
          mode: options.full ? 'full' : 'incremental',
          ...(options.include ? { include: options.include } : {}),
          ...(options.exclude ? { exclude: options.exclude } : {}),
          ...(options.prune ? { prune: true } : {}),
        };
        code = options.watch ? await watchAndReindex(api, root, input) : await runOnce(api, input);
      } catch (error) {
        if (!isAppError(error)) throw error;
        process.stderr.write(`index failed: ${error.code}: ${error.message}\n`);
        code = 1;
      }
      process.exitCode = code;
    });
}

/** Refused here, before anything is enqueued: a folder the user mistyped is not worth a failed job. */
export async function assertFolder(root: string): Promise<void> {
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory()) throw new AppError('BAD_INPUT', `${root} is not a folder on this machine; nothing was enqueued`, { via: 'cli' });
}

/** Enqueues one job and follows it; 0 when it completed, 1 when it failed or was cancelled. */
async function runOnce(api: ApiClient, input: Record<string, unknown>): Promise<number> {
  const {
    enqueueIndexing: { jobId },
  } = await api.graphql<{ enqueueIndexing: { jobId: string } }>(ENQUEUE, { input });
  say(`indexing ${String(input.root)} (${String(input.mode)}) as job ${jobId}`);
  const view = createProgressView();
  let claimed = false;
  const hint = setTimeout(() => {
    if (!claimed)
      view.note(
        'no worker has taken the job yet: if none serves the indexing queue, start one with `npm start` or `cogo worker --queues indexing`; the job waits in the queue until then (Ctrl-C leaves it queued)',
      );
  }, NO_WORKER_HINT_MS);
  try {
    for await (const event of api.jobEvents(jobId)) {
      if (event.type === 'meta' && event.data.phase === 'started') claimed = true;
      const outcome = handleEvent(event, view);
      if (outcome !== undefined) return outcome;
    }
    return 1;
  } finally {
    clearTimeout(hint);
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
      say(
        `done in ${Math.round(Number(r.durationMs ?? 0))} ms: ${r.added} added, ${r.updated} updated, ${r.skipped} unchanged, ${r.deleted} deleted, ${r.failed} failed; ` +
          `${r.chunksEmbedded} chunks embedded, ${r.chunksReused} reused (embedder ${r.embedder}${r.localEmbedder ? ', local feature hashing' : ''})`,
      );
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
      format:
        '{bar} {value}/{total} files | {changed} changed, {skipped} unchanged, {failed} failed | {chunks} chunks embedded | {rate} files/s | ETA {etaText} | {phase}',
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
        changed: data.filesChanged,
        skipped: data.filesSkipped,
        failed: data.filesFailed,
        chunks: data.chunksEmbedded,
        rate: data.filesPerSecond,
        etaText: data.etaSeconds === null || data.etaSeconds === undefined ? '-' : `${data.etaSeconds}s`,
        phase: data.phase,
      };
      if (tty) {
        // Before the scan has counted anything, a bar of 0/0 would be drawn full: show the phase instead.
        if (total === 0) {
          if (data.phase !== lastPhase) say(`${String(data.phase)}…`);
          lastPhase = data.phase;
          return;
        }
        if (!started) bar.start(total, 0, payload);
        started = true;
        bar.setTotal(total);
        bar.update(Number(data.filesChecked ?? 0), payload);
      } else if (Date.now() - lastLine >= 2000 || data.phase !== lastPhase) {
        lastLine = Date.now();
        lastPhase = data.phase;
        say(
          `progress: ${String(data.phase)} ${String(data.filesChecked)}/${total} files, ${String(payload.changed)} changed, ${String(payload.chunks)} chunks embedded, ${String(payload.rate)} files/s, ETA ${payload.etaText}`,
        );
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
async function watchAndReindex(api: ApiClient, root: string, input: Record<string, unknown>): Promise<number> {
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
    await runOnce(api, input);
    input = { ...input, mode: 'incremental' };
    say(`watching ${root} for changes (Ctrl-C to stop)`);
    for (;;) {
      if (!dirty && (await Promise.race([new Promise<'change'>((resolve) => (wake = () => resolve('change'))), stopped])) === 'stop') return 0;
      // Changes made while this run goes set `dirty` again: the loop runs once more right after it.
      dirty = false;
      await runOnce(api, input);
    }
  } finally {
    clearTimeout(timer);
    watcher.close();
  }
}
