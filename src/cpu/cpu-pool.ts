import { Piscina } from 'piscina';
import { AppError } from '../errors.js';

/**
 * CPU-heavy steps of the agents (parsing, chunking, hashing, local embedding, HTML extraction) run on these
 * threads, never on a process's main event loop: that loop renews BullMQ leases every 1.5 s and, under
 * `npm start`, answers HTTP. A task is a named export of a module; the module runs in a worker thread.
 */
export interface CpuPool {
  readonly threads: number;
  run<Input, Output>(task: CpuTask<Input, Output>, input: Input, options?: { signal?: AbortSignal; transfer?: ArrayBuffer[] }): Promise<Output>;
  close(): Promise<void>;
}

/** A task: the module that exports it (`import.meta.url` of the module beside the caller) and its export name. */
export interface CpuTask<Input, Output> {
  module: string;
  name: string;
  /** Only for typing: `cpuTask<In, Out>(…)` carries the input and output types. */
  readonly types?: { input: Input; output: Output };
}

export function cpuTask<Input, Output>(moduleUrl: string, name: string): CpuTask<Input, Output> {
  return { module: moduleUrl, name };
}

/** The TypeScript loader every thread starts with: the threads load our `.ts` modules as the main thread does. */
const TSX_LOADER = import.meta.resolve('tsx');

export function createCpuPool(options: { threads: number; idleTimeoutMs?: number }): CpuPool {
  const pool = new Piscina({
    minThreads: 0,
    maxThreads: options.threads,
    // A thread that has loaded the TypeScript compiler is worth keeping between batches; idle ones go away.
    idleTimeout: options.idleTimeoutMs ?? 30_000,
    execArgv: ['--import', TSX_LOADER],
    // No queue limit: tasks wait for a thread, and each caller bounds how many it has in flight.
  });
  return {
    threads: options.threads,
    async run(task, input, runOptions = {}) {
      try {
        return await pool.run(input, {
          filename: task.module,
          name: task.name,
          ...(runOptions.signal ? { signal: runOptions.signal } : {}),
          ...(runOptions.transfer ? { transferList: runOptions.transfer } : {}),
        });
      } catch (error) {
        if (runOptions.signal?.aborted) throw runOptions.signal.reason;
        throw error instanceof AppError
          ? error
          : new AppError('INTERNAL', `CPU task ${task.name} failed: ${(error as Error).message}`, { via: 'cpu', cause: error, retryable: true });
      }
    },
    close: () => pool.destroy(),
  };
}
