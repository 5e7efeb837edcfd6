import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createBatchWriter } from '../../src/db/batch-writer.js';

function capturedLogger() {
  const warnings: { count: number; batch: number }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      warnings.push(JSON.parse(chunk.toString()) as { count: number; batch: number });
      done();
    },
  });
  return { logger: pino({ level: 'warn' }, sink), warnings };
}

const failure = (code: string) => Object.assign(new Error(code), { code });

describe('createBatchWriter (issue 9: a batch is never dropped for one bad row)', () => {
  it('isolates the rows Postgres refuses for their data and writes every other row', async () => {
    const written: number[] = [];
    const { logger, warnings } = capturedLogger();
    const writer = createBatchWriter<number>(
      async (rows) => {
        // 22P05: untranslatable character (a NUL in jsonb).
        if (rows.includes(3) || rows.includes(6)) throw failure('22P05');
        written.push(...rows);
      },
      logger,
      { what: 'rows', intervalMs: 60_000 },
    );
    for (let row = 1; row <= 8; row += 1) writer.push(row);
    await writer.close();
    expect(written.sort()).toEqual([1, 2, 4, 5, 7, 8]);
    expect(warnings).toEqual([expect.objectContaining({ count: 2, batch: 8 })]);
  });

  it('does not split a batch the database refused as a whole (a lost connection): one attempt, logged', async () => {
    const calls: number[][] = [];
    const { logger, warnings } = capturedLogger();
    const writer = createBatchWriter<number>(
      async (rows) => {
        calls.push(rows);
        throw failure('ECONNREFUSED');
      },
      logger,
      { what: 'rows', intervalMs: 60_000 },
    );
    for (let row = 1; row <= 8; row += 1) writer.push(row);
    await writer.close();
    expect(calls).toHaveLength(1);
    expect(warnings).toEqual([expect.objectContaining({ count: 8, batch: 8 })]);
  });
});
