import { AppError } from '../errors.js';
import { resolveIndexRoot } from '../fs/allowed-roots.js';
import { checkGitSource } from './git-source.js';
import { checkFigmaUrl } from '../designs/figma-source.js';
import type { Config } from '../config/index.js';
import { isFigmaImport, type JobInput } from './job-inputs.js';
import type { EnqueueType } from './job-types.js';

/** Who enqueues: what the checks may need of the caller (an execute flow's actions ask for scopes). */
export interface Enqueuer {
  id: string;
  tenant: string;
  scopes?: readonly string[];
}

/** A check of a validated input against this machine; returns the input to enqueue or throws an AppError. */
export type InputCheck = <T extends EnqueueType>(type: T, input: JobInput<T>, enqueuer: Enqueuer) => Promise<unknown>;

/**
 * The execute agent's check of a flow (its actions, inputs, references and scopes; agents/execute/flow-check.ts),
 * filled in by the composition root: `src/` does not know the action registry. Returns the flow to enqueue.
 */
export type ExecuteCheck = (input: JobInput<'execute'>, enqueuer: Enqueuer) => Promise<unknown>;

/**
 * The enqueue-time checks (issue 9): an indexing root must be an existing folder inside the allowed roots, so a
 * refused root is answered at once (one FORBIDDEN message) and nothing is enqueued. The root is stored as its
 * real path: the worker checks it again, and a relative root means the folder the service was started in, not
 * whatever folder a worker runs in.
 */
export function createInputChecks(indexing: Config['indexing'], build?: Config['build'], execute?: ExecuteCheck): InputCheck {
  return async (type, input, enqueuer) => {
    if (type === 'build' && build) return (await checkBuild(input as JobInput<'build'>, indexing, build)) as typeof input;
    if (type === 'execute' && execute) return execute(input as JobInput<'execute'>, enqueuer);
    if (type === 'orchestrate') return (await checkOrchestrate(input as JobInput<'orchestrate'>, indexing)) as typeof input;
    if (type !== 'indexing') return input;
    const indexingInput = input as JobInput<'indexing'>;
    if (isFigmaImport(indexingInput)) {
      const { figma } = indexingInput;
      // A URL passes the SSRF guard now (FORBIDDEN: nothing enqueued) and again on every connection the worker makes.
      if (figma.url !== undefined) {
        await checkFigmaUrl(figma.url, indexing.figma, figma.fileKey);
        return input;
      }
      // The design file passes the same boundary as an indexing root: a real path inside the allowed roots.
      const options = { baseDir: indexing.startDir, subject: 'Figma file', via: 'figma', expect: 'file' as const };
      const path = await resolveIndexRoot(figma.path ?? '', indexing.allowedRoots, options);
      return { figma: { ...figma, path } } as typeof input;
    }
    const root = await resolveIndexRoot(indexingInput.root, indexing.allowedRoots, { baseDir: indexing.startDir });
    return { ...indexingInput, root } as typeof input;
  };
}

/**
 * A build's source folder passes the same trust boundary as an indexing root (one list of folders the service
 * may read: COGO_INDEX_ROOTS), and its limits and timeouts must lie within the configured caps: a refused build
 * is answered at once and nothing is enqueued.
 */
async function checkBuild(input: JobInput<'build'>, indexing: Config['indexing'], build: Config['build']): Promise<JobInput<'build'>> {
  const git = input.source && 'gitUrl' in input.source ? input.source : undefined;
  const requested = input.source && 'path' in input.source ? input.source.path : (input.workspace ?? '');
  // A git URL's host passes the SSRF guard (FORBIDDEN when refused); a folder, the allowed roots.
  const real = git
    ? (await checkGitSource(git.gitUrl, { allowHosts: build.git.allowHosts, allowedRoots: indexing.allowedRoots, startDir: indexing.startDir })).url
    : await resolveIndexRoot(requested, indexing.allowedRoots, { baseDir: indexing.startDir, subject: 'build source', via: 'build' });
  const problems: string[] = [];
  for (const [name, value] of Object.entries(input.limits ?? {})) {
    const cap = build.limits[name as keyof Config['build']['limits']];
    if (typeof value === 'number' && value > cap) problems.push(`limits.${name}: ${value} is above this service's cap ${cap}`);
  }
  const timeouts = input.steps
    ? input.steps.map((s, i) => [`steps.${i}.timeoutSeconds`, s.timeoutSeconds] as const)
    : [['timeoutSeconds', input.timeoutSeconds] as const];
  for (const [where, seconds] of timeouts) {
    if (typeof seconds === 'number' && seconds > build.limits.timeoutSeconds)
      problems.push(`${where}: ${seconds} is above this service's cap ${build.limits.timeoutSeconds}`);
  }
  if (problems.length) throw new AppError('BAD_INPUT', `invalid build input: ${problems.join('; ')}`, { via: 'build', details: { problems } });
  if (git) return { ...input, source: { gitUrl: real, ref: git.ref } };
  return input.source ? { ...input, source: { path: real } } : { ...input, workspace: real };
}

/** An orchestrate job's indexing child: its root passes the same check now, not when the child is enqueued. */
async function checkOrchestrate(input: JobInput<'orchestrate'>, indexing: Config['indexing']): Promise<JobInput<'orchestrate'>> {
  if (input.index == null) return input;
  const root = await resolveIndexRoot(input.index.root, indexing.allowedRoots, { baseDir: indexing.startDir });
  return { ...input, index: { ...input.index, root } };
}
