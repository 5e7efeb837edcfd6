import type { Config } from '../../src/config/index.js';
import type { JobInput } from '../../src/queue/job-inputs.js';
import type { StepLimits } from './sandbox-types.js';

export type BuildInput = JobInput<'build'>;

export interface PlannedStep {
  name: string;
  run: string[];
  /** The job's `env` with the step's own merged over it. */
  env: Record<string, string>;
  limits: StepLimits;
}

export type PlannedSource = { kind: 'path'; path: string } | { kind: 'git'; gitUrl: string; ref: string };

export interface BuildPlan {
  source: PlannedSource;
  steps: PlannedStep[];
  artifactGlobs: string[];
  env: Record<string, string>;
  network: boolean;
}

/**
 * One shape for both input forms: the one-command form (`workspace` + `command`) is a build of one step named
 * `build`. Each step's limits are the job's `limits` where given, else the configured caps (the enqueue-time
 * check refused anything above them; the `Math.min` keeps a job enqueued under looser caps within today's).
 */
export function planBuild(input: BuildInput, build: Config['build']): BuildPlan {
  const caps = build.limits;
  const asked = input.limits ?? {};
  const pick = (name: keyof typeof asked) => Math.min(asked[name] ?? caps[name], caps[name]);
  const base = {
    cpuSeconds: pick('cpuSeconds'),
    memoryBytes: pick('memoryBytes'),
    processes: pick('processes'),
    openFiles: pick('openFiles'),
    fileBytes: pick('fileBytes'),
    outputBytes: pick('outputBytes'),
  };
  const timeout = (seconds: number | null | undefined) => Math.min(seconds ?? build.defaultStepTimeoutSeconds, caps.timeoutSeconds);
  const env = input.env ?? {};
  const steps = input.steps
    ? input.steps.map((s) => ({ name: s.name, run: s.run, env: { ...env, ...s.env }, limits: { ...base, timeoutSeconds: timeout(s.timeoutSeconds) } }))
    : [{ name: 'build', run: input.command ?? [], env, limits: { ...base, timeoutSeconds: timeout(input.timeoutSeconds) } }];
  const source: PlannedSource =
    input.source && 'gitUrl' in input.source
      ? { kind: 'git', gitUrl: input.source.gitUrl, ref: input.source.ref }
      : { kind: 'path', path: input.source?.path ?? input.workspace ?? '' };
  return {
    source,
    steps,
    artifactGlobs: input.artifacts ?? [],
    env,
    network: input.network === true,
  };
}
