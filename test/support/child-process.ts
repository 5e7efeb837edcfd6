import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/paths.js';

/** A real child process of a test: a worker, the CLI, a scripted worker. */
export interface TestProcess {
  child: ChildProcess;
  /** What `ready` matched in its output (e.g. the worker id). */
  ready: RegExpExecArray;
  output(): string;
  /** Sends `signal` (SIGTERM by default) and resolves with the exit code; at once if it already exited. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `node --import tsx <script> ...args` from the project root and resolves once its stdout matches
 * `ready`; rejects with its output if it exits first.
 */
export async function spawnTsProcess(script: string, args: string[], options: { env: NodeJS.ProcessEnv; ready: RegExp }): Promise<TestProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, script), ...args], {
    env: options.env,
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = options.ready.exec(output);
      if (match) resolve(match);
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready:\n${output}`)));
  });
  return {
    child,
    ready,
    output: () => output,
    stop: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill(signal);
      }),
  };
}
