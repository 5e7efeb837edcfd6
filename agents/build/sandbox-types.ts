/** Resource limits of one step (DESIGN-free: these are the kernel's rlimits plus two the reader enforces). */
export interface StepLimits {
  /** RLIMIT_CPU: CPU seconds of each process (SIGXCPU/SIGKILL past it). */
  cpuSeconds: number;
  /** RLIMIT_AS: address space of each process, bytes. */
  memoryBytes: number;
  /** RLIMIT_NPROC: processes of the sandbox's uid (per sandbox, since each running step has its own uid). */
  processes: number;
  /** RLIMIT_NOFILE. */
  openFiles: number;
  /** RLIMIT_FSIZE: largest file a step may write, bytes. */
  fileBytes: number;
  /** stdout + stderr bytes the reader accepts before it kills the step. */
  outputBytes: number;
  /** Wall clock: the whole process tree is killed past it. */
  timeoutSeconds: number;
}

/**
 * Which isolation this worker uses. `bwrap`: Debian's bubblewrap with new user, PID, network, IPC, UTS and mount
 * namespaces. `none`: the step runs as a plain child (same rlimits, clean environment, no namespaces): only when
 * the operator allowed unsandboxed builds, and reported as such in every result.
 */
export type Isolation =
  | { mode: 'bwrap'; bwrap: string; prlimit: string; setpriv: string | undefined; etcDir: string; extraReadOnly: string[] }
  | { mode: 'none'; prlimit: string; reason: string };

export type StepEnd = 'exited' | 'signaled' | 'timeout' | 'output-limit' | 'cancelled' | 'spawn-failed';

export interface StepOutcome {
  end: StepEnd;
  /** The step's exit code (bwrap passes the command's through), or null when it was killed by a signal. */
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  outputBytes: number;
  /** Lines longer than the line cap were cut; the output cap cut the rest. */
  truncated: boolean;
}

export type OutputStream = 'stdout' | 'stderr';
