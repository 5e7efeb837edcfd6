import type { Config } from '../../src/config/index.js';
import type { JobInput } from '../../src/queue/job-inputs.js';
import type { StepLimits } from './sandbox-types.js';

export type BuildInput = JobInput<'build'>;

export interface PlannedStep {
  name: string;
  run: string[];
  limits: StepLimits;
}

export interface BuildPlan {
  sourcePath: string;
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
  const steps = input.steps
    ? input.steps.map((s) => ({ name: s.name, run: s.run, limits: { ...base, timeoutSeconds: timeout(s.timeoutSeconds) } }))
    : [{ name: 'build', run: input.command ?? [], limits: { ...base, timeoutSeconds: timeout(input.timeoutSeconds) } }];
  return {
    sourcePath: input.source?.path ?? input.workspace ?? '',
    steps,
    artifactGlobs: input.artifacts ?? [],
    env: input.env ?? {},
    network: input.network === true,
  };
}
