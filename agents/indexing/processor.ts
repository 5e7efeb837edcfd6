import type { Redis } from 'ioredis';
import { AppError } from '../../src/errors.js';
import type { Embedder } from '../../ingest/embedders/index.js';
import { DEFAULT_MAX_FILE_BYTES, resolveIndexRoot, type ScannedFile, type SkippedEntry } from '../../ingest/scanner.js';
import { cpuTask, type CpuPool } from '../../src/cpu/cpu-pool.js';
import type { JobContext, Processor } from '../../src/queue/job-context.js';
import type { IndexFolderInput } from '../../src/queue/job-inputs.js';
import { isLocalEmbedderId } from '../../src/rag/embedder-info.js';
import { LOCAL_MODEL_PREFIX } from '../../src/embeddings/local-models.js';
import { embedderMismatch, type FileState, type IndexScope, type IndexStateStore, type VectorStore } from '../../src/vectors/index.js';
import { deleteVanished, linkMentions, vanishedPaths } from './cleanup.js';
import { writeBatch, type PreparedFile } from './file-batch.js';
import type { PrepareOutcome, PrepareRequest } from './prepare-task.js';
import type { IndexGraphWriter } from '../../src/graph/index-graph-writer.js';
import { startProgress, type ProgressReporter } from './progress.js';
import { finishReport, type FailedFile } from './report.js';
import type { ArtifactStore } from '../../src/artifacts/index.js';
import { acquireRootLock } from './root-lock.js';
import { scanRoot, skippedByReason, type ScanResult } from './scan.js';

export type IndexingInput = IndexFolderInput;

const PREPARE = cpuTask<PrepareRequest, PrepareOutcome[]>(new URL('./prepare-task.ts', import.meta.url).href, 'prepareFiles');

export interface IndexingDeps {
  /** `config.indexing.allowedRoots` (real paths compared); empty = nothing may be indexed. */
  allowedRoots: readonly string[];
  embedder: Embedder;
  vectors: VectorStore;
  state: IndexStateStore;
  graph: IndexGraphWriter;
  redis: Redis;
  keyPrefix: string;
  /** Where files are read, hashed and chunked: threads, off the event loop that renews the job's lease. */
  cpu: Pick<CpuPool, 'run' | 'threads'>;
  /** Files per CPU-pool task. Default 16. */
  prepareGroupFiles?: number;
  /** Chunks per embed-and-write batch. Default 256. */
  batchChunks?: number;
  /** Files per batch. Default 64. */
  batchFiles?: number;
  maxFileBytes?: number;
  /** Bytes of files one job may read (`config.indexing.maxJobBytes`); unset = no limit. */
  maxJobBytes?: number;
  progressIntervalMs?: number;
  /** The artifact store (src/artifacts): the report's bytes also go there, downloadable like a build's files. */
  artifacts?: Pick<ArtifactStore, 'putBuffer'>;
}

/** Survives a crash (Redis): which run this is, and what only the checkpoint can remember. */
interface IndexingCheckpoint {
  run: number;
  /** When the run's first attempt began: a run re-claimed after a crash reports the whole run's duration. */
  startedAt?: string;
  finished: boolean;
  deleted: number;
  reused: number;
  rebuilt: boolean;
}

interface Attempt {
  ctx: JobContext<IndexingInput>;
  scope: IndexScope;
  mode: IndexingInput['mode'];
  runKey: string;
  progress: ProgressReporter;
  ckpt: IndexingCheckpoint;
  failed: FailedFile[];
}

/**
 * The indexing agent (issue #4): scan a root, detect changed files (size + mtime, then sha256), chunk and embed
 * only what changed, write pgvector and the graph, remove vanished files, link mentions, and report. A re-claimed
 * attempt resumes from what is stored: rows carry the run key, vectors are found by their content-derived ids.
 */
export function createIndexingProcessor(deps: IndexingDeps): Processor<IndexingInput> {
  return async (ctx) => {
    const startedAt = new Date();
    const root = await resolveIndexRoot(ctx.input.root, deps.allowedRoots);
    const scope: IndexScope = { tenant: ctx.tenant, root };
    const progress = startProgress((data) => ctx.progress(data), deps.progressIntervalMs);
    const lock = await acquireRootLock({
      redis: deps.redis,
      keyPrefix: deps.keyPrefix,
      scope,
      holder: ctx.jobId,
      signal: ctx.signal,
      onWait: (heldBy) => progress.phase('waiting', { heldBy }),
    }).catch((error: unknown) => {
      progress.stop();
      throw error;
    });
    try {
      const previous = await ctx.checkpoint.get<IndexingCheckpoint>();
      const resumed = previous !== undefined && !previous.finished;
      const ckpt: IndexingCheckpoint = resumed
        ? previous
        : { run: (previous?.run ?? 0) + 1, startedAt: startedAt.toISOString(), finished: false, deleted: 0, reused: 0, rebuilt: false };
      const runStartedAt = new Date(ckpt.startedAt ?? startedAt.toISOString());
      const mode = ctx.input.mode ?? 'incremental';
      ckpt.rebuilt = (await prepareIndex(deps, scope, mode, ctx)) || ckpt.rebuilt;
      await ctx.checkpoint.set(ckpt);
      const attempt: Attempt = { ctx, scope, mode, runKey: `${ctx.jobId}/${ckpt.run}`, progress, ckpt, failed: [] };

      progress.phase('scanning');
      const scan = await scanRoot({
        root,
        include: ctx.input.include,
        exclude: ctx.input.exclude,
        maxFileBytes: deps.maxFileBytes,
        maxJobBytes: deps.maxJobBytes,
        signal: ctx.signal,
        onProgress: (seen) => void (progress.counters.filesSeen = seen),
      });
      progress.counters.filesSeen = scan.files.length;
      const states = await deps.state.load(scope);
      const skipped = await indexChangedFiles(deps, attempt, scan, states);

      progress.phase('cleanup');
      await deleteVanished(deps, scope, vanishedPaths(scan, states, { prune: ctx.input.prune }), ctx.signal, async (deleted) => {
        ckpt.deleted += deleted;
        progress.counters.filesDeleted = ckpt.deleted;
        await ctx.checkpoint.set(ckpt);
      });
      const changes = await deps.state.changesOfRun(scope, attempt.runKey);
      progress.phase('linking');
      const mentionLinks = await linkMentions(
        deps,
        scope,
        changes.map((c) => c.path),
        ctx.signal,
      );
      const orphansRemoved = changes.length > 0 || ckpt.deleted > 0 ? await deps.graph.deleteOrphans(scope) : { entities: 0, stubs: 0 };

      progress.phase('report');
      // The report becomes the job's artifact: only the run that owns the job may write it.
      await ctx.assertLease();
      const count = (change: string) => changes.filter((c) => c.change === change).length;
      const finishedAt = new Date();
      const result = await finishReport(deps.graph, deps.artifacts, {
        jobId: ctx.jobId,
        tenant: scope.tenant,
        root,
        mode,
        embedder: deps.embedder.id,
        localEmbedder: isLocalEmbedderId(deps.embedder.id),
        rebuilt: ckpt.rebuilt,
        resumed,
        attempt: ctx.attempt,
        startedAt: runStartedAt.toISOString(),
        finishedAt: finishedAt.toISOString(),
        durationMs: finishedAt.getTime() - runStartedAt.getTime(),
        counts: {
          seen: scan.files.length,
          added: count('added'),
          updated: count('updated'),
          reprocessed: count('unchanged'),
          skipped,
          deleted: ckpt.deleted,
          failed: attempt.failed.length,
          chunksEmbedded: await deps.vectors.countEmbeddedByRun(scope, attempt.runKey),
          chunksReused: ckpt.reused,
          mentionLinks,
        },
        skippedByReason: skippedByReason(scan.skipped),
        failedFiles: attempt.failed,
        orphansRemoved,
      });
      ckpt.finished = true;
      await ctx.checkpoint.set(ckpt);
      if (ctx.input.failOnFileError && attempt.failed.length > 0) {
        // Everything readable is indexed and the report is stored; the caller asked for the failures to count.
        const names = attempt.failed
          .slice(0, 5)
          .map((f) => f.path)
          .join(', ');
        throw new AppError('BAD_INPUT', `${attempt.failed.length} file(s) could not be indexed (${names}); the job's report lists them`, {
          via: 'indexing',
          details: { failedFiles: attempt.failed.slice(0, 50) },
        });
      }
      return result;
    } finally {
      progress.stop();
      await lock.release();
    }
  };
}

/**
 * Makes the configured embedder the owner of the root's index. Another owner is refused in `incremental`
 * mode (BAD_INPUT naming both); `full` mode drops that index first and rebuilds it. True when it dropped one.
 * One switch rebuilds without being asked: to a local model from feature hashing or from another local model
 * (an upgrade of the default; rebuilding costs only local CPU). Never towards feature hashing (a model that could
 * not start must not wipe its index) and never from or to an endpoint (its vectors may have cost money).
 */
async function prepareIndex(deps: IndexingDeps, scope: IndexScope, mode: IndexingInput['mode'], ctx: JobContext<IndexingInput>): Promise<boolean> {
  const owner = await deps.vectors.indexOwner(scope);
  let rebuilt = false;
  if (owner !== null && owner !== deps.embedder.id && (await deps.vectors.countChunks(scope.tenant, scope.root)) === 0) {
    // Claimed by a run that stored no vector (it failed early): nothing could be mixed, so the claim moves.
    await deps.vectors.dropIndex(scope);
  } else if (owner !== null && owner !== deps.embedder.id) {
    if (mode !== 'full' && !upgradesLocalModel(owner, deps.embedder.id)) throw embedderMismatch(scope, owner, deps.embedder.id);
    await ctx.log(`rebuilding (re-embedding) ${scope.root}: its index was made by "${owner}", the configured embedder is "${deps.embedder.id}"`);
    await deps.graph.dropRoot(scope);
    await deps.vectors.dropIndex(scope);
    rebuilt = true;
  }
  await deps.vectors.claimIndex(scope, deps.embedder);
  return rebuilt;
}

/** Walks the scanned files in path order, batching changed ones; returns how many were unchanged. */
async function indexChangedFiles(deps: IndexingDeps, attempt: Attempt, scan: ScanResult, states: Map<string, FileState>): Promise<number> {
  const { ctx, scope, progress } = attempt;
  const { counters } = progress;
  const batchChunks = deps.batchChunks ?? 256;
  const batchFiles = deps.batchFiles ?? 64;
  let pending: PreparedFile[] = [];
  let pendingChunks = 0;
  let touched: { path: string; size: number; mtimeMs: number }[] = [];
  let skipped = 0;

  // One batch is written while the next ones are read, chunked and embedded: the databases, the CPU pool and
  // this process work at the same time. At most one write is in flight, so batches still land in order.
  let writing: Promise<void> = Promise.resolve();
  const flush = async () => {
    await writing;
    const batch = pending;
    const touchedNow = touched;
    pending = [];
    pendingChunks = 0;
    touched = [];
    writing = (async () => {
      if (batch.length > 0) {
        const written = await writeBatch(deps, { scope, jobId: ctx.jobId, runKey: attempt.runKey, signal: ctx.signal }, batch);
        counters.chunksEmbedded += written.embedded;
        counters.chunksReused += written.reused;
        attempt.ckpt.reused += written.reused;
        await ctx.checkpoint.set(attempt.ckpt);
      }
      await deps.state.touch(scope, touchedNow);
    })();
    // Awaited by the next flush, which rethrows; until then a rejection must not count as unhandled.
    writing.catch(() => {});
  };

  progress.phase('indexing');
  // Size and mtime decide cheaply which files need reading at all; the reading, hashing and chunking of those
  // happens on the CPU pool, a group of files per task, several groups in flight, results taken in path order.
  const candidates: ScannedFile[] = [];
  for (const file of scan.files) {
    const state = states.get(file.path);
    // Written by this run before a crash: already counted from the stored state.
    if (state?.runKey === attempt.runKey) {
      counters.filesChecked += 1;
    } else if (attempt.mode === 'incremental' && state && state.size === file.size && state.mtimeMs === file.mtimeMs) {
      counters.filesChecked += 1;
      skipped += 1;
      counters.filesSkipped += 1;
    } else {
      candidates.push(file);
    }
  }
  const byPath = new Map(candidates.map((file) => [file.path, file]));
  const knownPaths = scan.files.map((f) => f.path);
  const groups = chunkArray(candidates, deps.prepareGroupFiles ?? 16);
  const prepare = (group: ScannedFile[]) =>
    deps.cpu.run(
      PREPARE,
      {
        knownPaths,
        maxFileBytes: deps.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
        files: group.map((file) => ({
          path: file.path,
          absolutePath: file.absolutePath,
          unchangedIf: attempt.mode === 'incremental' ? (states.get(file.path)?.sha256 ?? null) : null,
        })),
      },
      { signal: ctx.signal },
    );
  const inFlight: Promise<PrepareOutcome[]>[] = [];
  let next = 0;
  const depth = Math.max(2, deps.cpu.threads * 2);
  const launch = () => {
    while (inFlight.length < depth && next < groups.length) {
      const started = prepare(groups[next++]!);
      // Taken in order below; a group's failure surfaces there, not as an unhandled rejection meanwhile.
      started.catch(() => {});
      inFlight.push(started);
    }
  };
  launch();
  while (inFlight.length > 0) {
    const outcomes = await inFlight.shift()!;
    launch();
    for (const outcome of outcomes) {
      ctx.signal.throwIfAborted();
      counters.filesChecked += 1;
      const file = byPath.get(outcome.path)!;
      const state = states.get(file.path);
      if (outcome.kind === 'unreadable') {
        fail(attempt, { path: file.path, reason: 'unreadable', detail: outcome.detail });
      } else if (outcome.kind === 'chunker-error') {
        fail(attempt, { path: file.path, reason: 'chunker-error', detail: outcome.detail });
      } else if (outcome.kind === 'same-content') {
        skipped += 1;
        counters.filesSkipped += 1;
        touched.push({ path: file.path, size: file.size, mtimeMs: file.mtimeMs });
      } else {
        const change = !state ? 'added' : state.sha256 === outcome.sha256 ? 'unchanged' : 'updated';
        counters.filesChanged += 1;
        pending.push({ file, sha256: outcome.sha256, chunked: outcome.chunked, lexical: outcome.lexical, change, title: outcome.title });
        pendingChunks += outcome.chunked.chunks.length;
      }
      if (pendingChunks >= batchChunks || pending.length >= batchFiles || touched.length >= 500) await flush();
    }
  }
  await flush();
  await writing;
  for (const entry of scan.skipped) if (entry.reason === 'unreadable') fail(attempt, unreadableEntry(entry));
  return skipped;
}

function chunkArray<T>(items: readonly T[], size: number): T[][] {
  const groups: T[][] = [];
  for (let i = 0; i < items.length; i += size) groups.push(items.slice(i, i + size));
  return groups;
}

function fail(attempt: Attempt, failure: FailedFile) {
  attempt.failed.push(failure);
  attempt.progress.counters.filesFailed += 1;
}

function unreadableEntry(entry: SkippedEntry): FailedFile {
  return entry.detail === undefined ? { path: entry.path, reason: 'unreadable' } : { path: entry.path, reason: 'unreadable', detail: entry.detail };
}

function upgradesLocalModel(owner: string, configured: string): boolean {
  return configured.startsWith(LOCAL_MODEL_PREFIX) && (owner.startsWith(LOCAL_MODEL_PREFIX) || isLocalEmbedderId(owner));
}
