import type { Logger } from '../observability/logger.js';
import type { JobArea } from './job-types.js';

/** What a processor gets: its input, the cancellation signal, and one small API to report what it does. */
export interface JobContext<Input = unknown> {
  jobId: string;
  area: JobArea;
  input: Input;
  traceId: string;
  tenant: string;
  /** Who enqueued the job: the principal its child jobs are enqueued for. */
  principal?: string;
  /** 1 on the first run; a re-claimed or retried job sees a higher number. */
  attempt: number;
  workerId: string;
  /** Fires on cancel, on the attempt's timeout, and when the worker shuts down. */
  signal: AbortSignal;
  logger: Logger;
  progress(data: Record<string, unknown>): Promise<void>;
  partial(data: Record<string, unknown>): Promise<void>;
  log(message: string, data?: Record<string, unknown>): Promise<void>;
  /** Any other event type of DESIGN §5 (e.g. `embed.chunk`), on this job's stream. */
  emit(type: string, data: Record<string, unknown>): Promise<void>;
  /** Where a resumable processor records how far it got; survives a crash and re-claim. `set` is fenced. */
  checkpoint: {
    get<T>(): Promise<T | undefined>;
    set(value: unknown): Promise<void>;
  };
  /**
   * Throws LeaseLostError once this run no longer holds the job (another run took it over). Call it before a
   * write that only the job's owning run may make (a report artifact); the job's stream, record and checkpoint
   * writes are fenced already.
   */
  assertLease(): Promise<void>;
  /**
   * A BullMQ flow's parent (child jobs enqueued with `waitedOnByParent`): returns when none of its children is
   * unfinished; else it ends this run, the job waits without a worker, and runs again from the start once every
   * child has finished (a resumable processor finds its children in its checkpoint).
   */
  waitForChildren?(): Promise<void>;
}

/** What a processor returns becomes the job's result summary and the data of `{area}.done`. */
export type Processor<Input = unknown> = (ctx: JobContext<Input>) => Promise<Record<string, unknown> | void>;

export type Processors = Partial<Record<JobArea, Processor<never>>>;
