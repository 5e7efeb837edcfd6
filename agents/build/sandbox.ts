import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { createOutputCounter, type LineSink } from './output-lines.js';
import { sandboxCommand, type CommandSpec } from './sandbox-args.js';
import type { Isolation, StepEnd, StepOutcome } from './sandbox-types.js';

export interface RunStepOptions extends CommandSpec {
  isolation: Isolation;
  onLine: LineSink;
  /** Cancellation (job cancelled, lease lost, worker shutting down): the tree is killed like on a timeout. */
  signal?: AbortSignal;
}

/** After the main process exits, how long its pipes may stay open (a background child holding them is killed by then). */
const DRAIN_MS = 2000;

/**
 * Runs one step's argv in the sandbox and resolves when it is over, never rejects. The child leads a process
 * group of its own (`detached`): a timeout, the output cap or a cancel SIGKILLs the whole group, which is the
 * setpriv→bwrap process; bwrap's PID namespace then takes every process of the step with it (its init dies,
 * and the kernel kills the rest of the namespace).
 */
export function runStep(options: RunStepOptions): Promise<StepOutcome> {
  const started = performance.now();
  const { file, args, env, cwd } = sandboxCommand(options.isolation, options);
  const output = createOutputCounter(options.limits.outputBytes, options.onLine);
  return new Promise((resolve) => {
    let end: StepEnd | undefined;
    let settled = false;
    const child = spawn(file, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const killTree = (why: StepEnd) => {
      end ??= why;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => killTree('timeout'), options.limits.timeoutSeconds * 1000);
    const onAbort = () => killTree('cancelled');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      output.flush();
      // The group may hold a process that escaped bwrap's wait (never under bwrap; possible unsandboxed).
      const inner = options.isolation.mode === 'bwrap' ? signalOfExitCode(exitCode) : undefined;
      const why: StepEnd = end ?? (signal || inner ? 'signaled' : 'exited');
      killTree(why);
      resolve({
        end: why,
        exitCode: inner ? null : exitCode,
        signal: signal ?? inner ?? null,
        durationMs: Math.round(performance.now() - started),
        outputBytes: output.bytes,
        truncated: output.truncated,
      });
    };
    for (const stream of ['stdout', 'stderr'] as const) {
      child[stream].on('data', (chunk: Buffer) => {
        if (!output.push(stream, chunk)) killTree('output-limit');
      });
    }
    child.on('error', () => {
      end ??= 'spawn-failed';
      finish(null, null);
    });
    child.on('exit', (code, signal) => {
      // Wait for the pipes to close (the rest of the output), but not for ever: a process that kept them open
      // outside the tree must not hold the step.
      const drain = setTimeout(() => finish(code, signal), DRAIN_MS);
      child.on('close', () => {
        clearTimeout(drain);
        finish(code, signal);
      });
    });
  });
}

/**
 * bwrap reports a command killed by a signal as exit code 128 + the signal's number (like a shell): decode it, so
 * that a step killed by SIGXCPU (CPU limit) or SIGSEGV says so. A command that itself exits with 129–192 reads as
 * a signal too; build tools do not use that range for their own failures.
 */
function signalOfExitCode(exitCode: number | null): string | undefined {
  if (exitCode === null || exitCode <= 128 || exitCode > 128 + 64) return undefined;
  return Object.entries(constants.signals).find(([, n]) => n === exitCode - 128)?.[0];
}
