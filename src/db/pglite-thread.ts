/**
 * The embedded PGlite database on a thread of its own. PGlite runs Postgres as WASM on the thread that calls it:
 * on a worker's main thread a batch of pgvector inserts held the event loop for seconds, its BullMQ leases
 * expired and its jobs were run again. Here the database blocks only this thread. Messages: see pglite-threaded-client.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../errors.js';
import { createPgliteClient } from './pglite-client.js';
import type { SqlClient } from './sql-client.js';
import type { ThreadReply, ThreadRequest } from './pglite-threaded-client.js';

type Tx = Pick<SqlClient, 'query' | 'exec'>;
const ROLLBACK = Symbol('rollback');

const port = parentPort!;
const client = await createPgliteClient((workerData as { dataDir: string | undefined }).dataDir);
const open = new Map<number, { tx: Tx; end: (commit: boolean) => void; settled: Promise<void> }>();

const reply = (message: ThreadReply) => port.postMessage(message);
const failure = (id: number, error: unknown): ThreadReply => {
  const e = error as Error & Record<string, unknown>;
  if (error instanceof AppError) {
    // The database's SQLSTATE under a mapped error still tells callers whose fault it was (isRowDataError).
    const causeCode = (error.cause as { code?: unknown } | undefined)?.code;
    return {
      id,
      error: {
        message: e.message,
        appCode: error.code,
        via: error.via,
        retryable: error.retryable,
        ...(typeof causeCode === 'string' ? { code: causeCode } : {}),
      },
    };
  }
  // The fields error mappers read (SQLSTATE code, detail, constraint) cross the thread boundary as they are.
  return {
    id,
    error: { message: e.message, code: e.code as string | undefined, detail: e.detail as string | undefined, constraint: e.constraint as string | undefined },
  };
};

async function begin(id: number): Promise<void> {
  let started!: () => void;
  const ready = new Promise<void>((resolve) => (started = resolve));
  let end!: (commit: boolean) => void;
  const ended = new Promise<boolean>((resolve) => (end = resolve));
  const settled = client
    .transaction(async (tx) => {
      open.set(id, { tx, end, settled });
      started();
      if (!(await ended)) throw ROLLBACK;
    })
    .catch((error: unknown) => {
      if (error !== ROLLBACK) throw error;
    })
    .finally(() => open.delete(id));
  // A transaction that fails to begin rejects `settled` before `ready` resolves.
  await Promise.race([ready, settled]);
}

port.on('message', (request: ThreadRequest) => {
  void (async () => {
    try {
      const target: Tx = request.tx === undefined ? client : open.get(request.tx)!.tx;
      switch (request.op) {
        case 'query':
          reply({ id: request.id, rows: (await target.query(request.text, request.params)).rows });
          break;
        case 'exec':
          await target.exec(request.text);
          reply({ id: request.id });
          break;
        case 'begin':
          await begin(request.id);
          reply({ id: request.id });
          break;
        case 'end': {
          const tx = open.get(request.tx!)!;
          tx.end(request.commit);
          await tx.settled;
          reply({ id: request.id });
          break;
        }
        case 'close':
          await client.close();
          reply({ id: request.id });
          break;
      }
    } catch (error) {
      reply(failure(request.id, error));
    }
  })();
});
reply({ id: 0 });
