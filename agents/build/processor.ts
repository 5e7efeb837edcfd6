import { promises as fs } from 'node:fs';
import path from 'node:path';
import { artifactId, mediaTypeOf, type ArtifactGraph, type ArtifactRecord, type ArtifactStore } from '../../src/artifacts/index.js';
import type { Config } from '../../src/config/index.js';
import { AppError } from '../../src/errors.js';
import { resolveIndexRoot } from '../../src/fs/allowed-roots.js';
import type { JobContext, Processor } from '../../src/queue/job-context.js';
import { planBuild, type BuildInput } from './build-plan.js';
import { matchArtifacts } from './collect-artifacts.js';
import type { DetectedIsolation } from './isolation.js';
import { createLogStream } from './log-stream.js';
import { runStep } from './sandbox.js';
import type { StepOutcome } from './sandbox-types.js';
import { createUidPool } from './uid-pool.js';
import { createWorkFolder } from './work-folder.js';
import { cloneGitSource } from './git-clone.js';
import { checkGitSource } from '../../src/queue/git-source.js';

export interface BuildDeps {
  build: Config['build'];
  /** The trust boundary's folders (COGO_INDEX_ROOTS): checked again here, as indexing does. */
  allowedRoots: readonly string[];
  startDir: string;
  artifacts: ArtifactStore;
  artifactGraph: ArtifactGraph;
  /** Never copied from a source: the service's data folder (work folders, artifacts), as a real path. */
  dataDir: string;
  /** This worker's isolation, found once (agents/build/index.ts); asked for when the processor is made, i.e. at worker start-up. */
  isolation: () => Promise<DetectedIsolation>;
}

export interface StepResult extends StepOutcome {
  name: string;
  ok: boolean;
}

const MAX_ARTIFACT_FILES = 1000;

/**
 * A build job: copy the source into a fresh work folder, run the steps in order in the sandbox (the first one
 * that fails stops the build), keep the matching files and the full log in the artifact store, and link them to
 * the job in the graph. A failing step is the build's outcome, not the job's error: the job completes with
 * `ok: false` and the failed step's exit code or signal (running a failing compiler again would fail again).
 */
export function createBuildProcessor(deps: BuildDeps): Processor<BuildInput> {
  const uids = createUidPool(deps.build.hostUidBase);
  const workRoot = path.join(deps.build.dir, 'work');
  const logRoot = path.join(deps.build.dir, 'logs');
  const isolationFound = deps.isolation();

  return async (ctx: JobContext<BuildInput>) => {
    const detected = await isolationFound;
    if (!detected.isolation) {
      // Another worker may have a sandbox: retryable, so the job moves on rather than failing here.
      throw new AppError('UPSTREAM_UNAVAILABLE', `this worker refuses builds: ${detected.problem}`, { via: 'build', retryable: true });
    }
    const isolation = detected.isolation;
    const plan = planBuild(ctx.input, deps.build);
    // Checked again here, as at enqueue: the allowed roots or the git host policy may have changed since.
    const source =
      plan.source.kind === 'path'
        ? await resolveIndexRoot(plan.source.path, deps.allowedRoots, { baseDir: deps.startDir, subject: 'build source', via: 'build' })
        : await checkGitSource(plan.source.gitUrl, { allowHosts: deps.build.git.allowHosts, allowedRoots: deps.allowedRoots, startDir: deps.startDir });
    let commit: string | undefined;
    const sandboxed = isolation.mode === 'bwrap' && isolation.setpriv !== undefined;
    const hostUid = sandboxed ? uids.acquire() : undefined;
    await fs.mkdir(logRoot, { recursive: true });
    const logFile = path.join(logRoot, `${ctx.jobId.replace(/[^A-Za-z0-9_.-]/g, '_')}-${ctx.attempt}-${process.pid}.log`);
    await fs.rm(logFile, { force: true });
    const log = createLogStream({ publish: (data) => ctx.emit('build.log', data), file: logFile, linesPerSecond: deps.build.logLinesPerSecond });
    const steps: StepResult[] = [];
    let work: Awaited<ReturnType<typeof createWorkFolder>> | undefined;
    try {
      const dataDir = await fs.realpath(deps.dataDir).catch(() => deps.dataDir);
      const ref = plan.source.kind === 'git' ? plan.source.ref : '';
      const fill =
        typeof source === 'string'
          ? source
          : async (dir: string) => {
              commit = await cloneGitSource({
                ...source,
                ref,
                dir,
                maxBytes: deps.build.maxSourceBytes,
                timeoutMs: deps.build.git.timeoutSeconds * 1000,
                prlimit: isolation.prlimit,
                signal: ctx.signal,
              });
            };
      work = await createWorkFolder({ root: workRoot, jobId: ctx.jobId, source: fill, maxBytes: deps.build.maxSourceBytes, hostUid, skip: [dataDir] });
      if (commit !== undefined) log.note(`source ${plan.source.kind === 'git' ? plan.source.gitUrl : ''} at ${ref}: commit ${commit}`);
      for (const [index, step] of plan.steps.entries()) {
        if (ctx.signal.aborted) break;
        await ctx.progress({ step: step.name, index, of: plan.steps.length, phase: 'started' });
        log.startStep(step.name);
        const outcome = await runStep({
          isolation,
          argv: step.run,
          workDir: work.dir,
          env: step.env,
          limits: step.limits,
          hostUid,
          signal: ctx.signal,
          network: plan.network,
          onLine: (stream, line) => log.line(stream, line),
        });
        const result: StepResult = { name: step.name, ok: outcome.end === 'exited' && outcome.exitCode === 0, ...outcome };
        steps.push(result);
        log.note(describeEnd(result, step.limits));
        await log.flush();
        await ctx.progress({
          step: step.name,
          index,
          of: plan.steps.length,
          phase: 'finished',
          ok: result.ok,
          end: result.end,
          exitCode: result.exitCode,
          signal: result.signal,
          durationMs: result.durationMs,
        });
        if (!result.ok) break;
      }
      if (ctx.signal.aborted) throw ctx.signal.reason;
      const ok = steps.length === plan.steps.length && steps.every((s) => s.ok);
      const matches = ok
        ? await matchArtifacts(work.dir, plan.artifactGlobs, { maxFileBytes: deps.build.maxArtifactBytes, maxFiles: MAX_ARTIFACT_FILES })
        : { files: [], skipped: [] };
      const logCounts = await log.close();
      const createdAt = new Date().toISOString();
      const records: ArtifactRecord[] = [];
      for (const file of matches.files) {
        const blob = await deps.artifacts.putFile(file.absolute, deps.build.maxArtifactBytes);
        records.push({
          id: artifactId(ctx.tenant, ctx.jobId, file.path),
          sha256: blob.sha256,
          path: file.path,
          size: blob.size,
          mediaType: mediaTypeOf(file.path),
          kind: 'build-output',
          createdAt,
        });
      }
      const logBlob = await deps.artifacts.putFile(logFile, Number.MAX_SAFE_INTEGER);
      const logRecord: ArtifactRecord = {
        id: artifactId(ctx.tenant, ctx.jobId, 'build.log'),
        sha256: logBlob.sha256,
        path: 'build.log',
        size: logBlob.size,
        mediaType: 'text/plain; charset=utf-8',
        kind: 'build-log',
        createdAt,
      };
      const failed = steps.find((s) => !s.ok);
      const summary = {
        ok,
        isolation: isolation.mode,
        network: plan.network,
        ...(plan.source.kind === 'git' ? { source: { gitUrl: plan.source.gitUrl, ref: plan.source.ref, commit } } : {}),
        ...(failed ? { failedStep: { name: failed.name, end: failed.end, exitCode: failed.exitCode, signal: failed.signal } } : {}),
        steps: steps.map(({ name, ok: stepOk, end, exitCode, signal, durationMs, outputBytes, truncated }) => ({
          name,
          ok: stepOk,
          end,
          exitCode,
          signal,
          durationMs,
          outputBytes,
          truncated,
        })),
        artifacts: records.map(({ id, path: p, sha256, size, mediaType }) => ({ id, path: p, sha256, size, mediaType })),
        skippedArtifacts: matches.skipped,
        log: { artifactId: logRecord.id, sha256: logRecord.sha256, lines: logCounts.lines, droppedFromLiveLog: logCounts.dropped },
      };
      // Only the run that holds the job records what it produced.
      await ctx.assertLease();
      await deps.artifacts.writeManifest(ctx.jobId, { jobId: ctx.jobId, tenant: ctx.tenant, createdAt, artifacts: [...records, logRecord] });
      await deps.artifactGraph.record(ctx.tenant, ctx.jobId, [...records, logRecord]);
      return summary;
    } finally {
      await log.close().catch(() => undefined);
      await work?.remove();
      await fs.rm(logFile, { force: true });
      if (hostUid !== undefined) uids.release(hostUid);
    }
  };
}

function describeEnd(step: StepResult, limits: { timeoutSeconds: number; outputBytes: number }): string {
  const took = `${step.durationMs} ms`;
  switch (step.end) {
    case 'exited':
      return `step ${step.name} exited with code ${step.exitCode} after ${took}`;
    case 'signaled':
      return `step ${step.name} was killed by ${step.signal} after ${took} (a limit: SIGXCPU = CPU time, SIGKILL/SIGSEGV often memory)`;
    case 'timeout':
      return `step ${step.name} ran past its ${limits.timeoutSeconds} s timeout: its process tree was killed`;
    case 'output-limit':
      return `step ${step.name} printed more than ${limits.outputBytes} bytes: output truncated, its process tree was killed`;
    case 'cancelled':
      return `step ${step.name} was cancelled: its process tree was killed`;
    case 'spawn-failed':
      return `step ${step.name} could not be started`;
  }
}
