import { Worker } from 'node:worker_threads';
import { AppError, type ErrorCode } from '../errors.js';
import type { SqlClient } from './sql-client.js';

export type ThreadRequest =
  | { id: number; op: 'query'; text: string; params?: unknown[]; tx?: number }
  | { id: number; op: 'exec'; text: string; tx?: number }
  | { id: number; op: 'begin'; tx?: undefined }
  | { id: number; op: 'end'; tx: number; commit: boolean }
  | { id: number; op: 'close'; tx?: undefined };

export type ThreadReply =
  | { id: number; rows?: Record<string, unknown>[]; error?: undefined }
  | {
      id: number;
      error: {
        message: string;
        appCode?: ErrorCode;
        via?: string | undefined;
        retryable?: boolean;
        code?: string | undefined;
        detail?: string | undefined;
        constraint?: string | undefined;
      };
    };

type Request = ThreadRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

/**
 * The embedded PGlite database behind the SqlClient interface, run on a thread of its own (pglite-thread.ts) so
 * that its WASM execution never holds this process's event loop: the loop that serves HTTP and renews leases.
 */
export async function createThreadedPgliteClient(dataDir: string | undefined): Promise<SqlClient> {
  const worker = new Worker(new URL('./pglite-thread-entry.mjs', import.meta.url), { workerData: { dataDir }, execArgv: [] });
  const pending = new Map<number, { resolve: (reply: ThreadReply) => void; reject: (error: Error) => void }>();
  let next = 1;
  let exitError: Error | undefined;
  const ready = new Promise<void>((resolve, reject) => pending.set(0, { resolve: () => resolve(), reject }));
  worker.on('message', (reply: ThreadReply) => {
    const waiter = pending.get(reply.id);
    pending.delete(reply.id);
    waiter?.resolve(reply);
  });
  const failAll = (error: Error) => {
    exitError = error;
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  };
  worker.on('error', (error) =>
    failAll(new AppError('UPSTREAM_UNAVAILABLE', `the embedded database stopped: ${error.message}`, { via: 'pglite', cause: error })),
  );
  worker.on('exit', (code) => failAll(new AppError('UPSTREAM_UNAVAILABLE', `the embedded database thread exited (${code})`, { via: 'pglite' })));
  await ready;

  const call = (request: Request): Promise<{ id: number; rows?: Record<string, unknown>[] }> => {
    if (exitError) return Promise.reject(exitError);
    const id = next++;
    return new Promise<ThreadReply>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...request, id });
    }).then((reply) => {
      if (reply.error) throw rebuild(reply.error);
      return reply as { id: number; rows?: Record<string, unknown>[] };
    });
  };
  const scoped = (tx?: number): Pick<SqlClient, 'query' | 'exec'> => ({
    query: async <Row extends Record<string, unknown>>(text: string, params?: unknown[]) => ({
      rows: ((await call({ op: 'query', text, ...(params ? { params } : {}), ...(tx ? { tx } : {}) })).rows ?? []) as Row[],
    }),
    exec: async (text) => void (await call({ op: 'exec', text, ...(tx ? { tx } : {}) })),
  });

  return {
    kind: 'pglite',
    ...scoped(),
    async transaction(work) {
      const tx = (await call({ op: 'begin' })).id;
      let result;
      try {
        result = await work(scoped(tx));
      } catch (error) {
        await call({ op: 'end', tx, commit: false });
        throw error;
      }
      await call({ op: 'end', tx, commit: true });
      return result;
    },
    async close() {
      if (exitError) return;
      await call({ op: 'close' });
      await worker.terminate();
    },
  };
}

/** An error as the thread saw it: an AppError stays one; a database error keeps the fields mappers read. */
function rebuild(error: NonNullable<Extract<ThreadReply, { error: object }>['error']>): Error {
  if (error.appCode) {
    const cause = error.code ? Object.assign(new Error(error.message), { code: error.code }) : undefined;
    return new AppError(error.appCode, error.message, {
      ...(error.via ? { via: error.via } : {}),
      ...(error.retryable !== undefined ? { retryable: error.retryable } : {}),
      ...(cause ? { cause } : {}),
    });
  }
  return Object.assign(new Error(error.message), { code: error.code, detail: error.detail, constraint: error.constraint });
}
