import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteClient } from '../../src/db/pglite-client.js';
import { migrateSql } from '../../src/db/migrate.js';
import { createPostgresClient } from '../../src/db/postgres-client.js';
import type { SqlClient } from '../../src/db/sql-client.js';
import { SQL_MIGRATIONS_DIR } from '../../src/runtime.js';
import { testDatabaseUrl } from './support/services.js';

// Events of a day long past: the window below holds these jobs' events and nothing else's.
const DAY = Date.parse('2001-02-03T00:00:00Z');
const WINDOW = [new Date(DAY).toISOString(), new Date(DAY + 86_400_000).toISOString()];
type Ev = [second: number, type: string, phase?: string];

/** A job's life as its events tell it; a start is `meta {phase: started}`. */
const LIVES: Record<string, Ev[]> = {
  plain: [
    [0, 'meta', 'queued'],
    [1, 'meta', 'started'],
    [2, 'execute.progress'],
    [3, 'execute.done'],
  ],
  retried: [
    [0, 'meta', 'queued'],
    [1, 'meta', 'started'],
    [2, 'job.retrying'],
    [4, 'meta', 'started'],
    [5, 'execute.done'],
  ],
  // Its worker died after step 2; another re-claimed it at 6 s, and the lost-lease notice came after the new start.
  reclaimed: [
    [0, 'meta', 'queued'],
    [1, 'meta', 'started'],
    [2, 'execute.progress'],
    [6, 'meta', 'started'],
    [6.5, 'job.stalled'],
    [8, 'execute.done'],
  ],
  // The same with the notice first: still 4 s from the lost run's last event.
  noticedFirst: [
    [0, 'meta', 'queued'],
    [1, 'meta', 'started'],
    [2, 'execute.progress'],
    [5, 'job.stalled'],
    [6, 'meta', 'started'],
    [7, 'execute.done'],
  ],
  requeued: [
    [0, 'meta', 'queued'],
    [1, 'meta', 'started'],
    [2, 'job.dead'],
    [9, 'meta', 'requeued'],
    [10, 'meta', 'started'],
    [11, 'execute.done'],
  ],
  onlyStalled: [[3, 'job.stalled']],
};

function contract(name: string, open: () => Promise<SqlClient>) {
  describe(`bus_event_jobs on ${name}`, () => {
    let sql: SqlClient;
    const run = randomUUID().slice(0, 8);
    const jobId = (life: string) => `execute-test-bej-${run}-${life}`;
    const rows = async (fn: string, on: Pick<SqlClient, 'query'> = sql) =>
      (
        await on.query<Record<string, unknown>>(`SELECT * FROM ${fn}($1, $2) WHERE job_id LIKE $3 ORDER BY job_id`, [
          WINDOW[0],
          WINDOW[1],
          `execute-test-bej-${run}-%`,
        ])
      ).rows;

    beforeAll(async () => {
      sql = await open();
      await migrateSql(sql, SQL_MIGRATIONS_DIR);
      for (const [life, events] of Object.entries(LIVES)) {
        for (const [seq, [second, type, phase]] of events.entries()) {
          await sql.query('INSERT INTO bus_events (event_id, stream, job_id, job_type, seq, type, ts, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
            `job:${jobId(life)}/${seq}`,
            `job:${jobId(life)}`,
            jobId(life),
            'execute',
            seq + 1,
            type,
            new Date(DAY + second * 1000).toISOString(),
            phase ? { phase } : {},
          ]);
        }
      }
    });
    afterAll(async () => {
      await sql.query('DELETE FROM bus_events WHERE job_id LIKE $1', [`execute-test-bej-${run}-%`]);
      await sql.close();
    });

    it('tells runs, retries, duplicate executions, lost leases and the time to recover per job', async () => {
      const byLife = Object.fromEntries((await rows('bus_event_jobs')).map((r) => [String(r.job_id).split('-').at(-1), r]));
      const pick = (r: Record<string, unknown>) => ({
        starts: Number(r.starts),
        retries: Number(r.retries),
        duplicates: Number(r.duplicate_executions),
        stalls: Number(r.stalls),
        recoverMs: r.recover_ms === null ? null : Math.round(Number(r.recover_ms)),
        done: r.done_at !== null,
        dead: r.is_dead,
      });
      expect(pick(byLife.plain!)).toEqual({ starts: 1, retries: 0, duplicates: 0, stalls: 0, recoverMs: null, done: true, dead: false });
      expect(pick(byLife.retried!)).toEqual({ starts: 2, retries: 1, duplicates: 0, stalls: 0, recoverMs: null, done: true, dead: false });
      expect(pick(byLife.reclaimed!)).toEqual({ starts: 2, retries: 0, duplicates: 1, stalls: 1, recoverMs: 4000, done: true, dead: false });
      expect(pick(byLife.noticedFirst!)).toEqual({ starts: 2, retries: 0, duplicates: 1, stalls: 1, recoverMs: 4000, done: true, dead: false });
      expect(pick(byLife.requeued!)).toEqual({ starts: 2, retries: 0, duplicates: 0, stalls: 0, recoverMs: null, done: true, dead: true });
      expect(pick(byLife.onlyStalled!)).toEqual({ starts: 0, retries: 0, duplicates: 0, stalls: 1, recoverMs: null, done: false, dead: false });
    });

    it('gives the same rows as the frame-bounded definition it replaced (migration 006)', async () => {
      const original = await readFile(path.join(SQL_MIGRATIONS_DIR, '006_bus_event_jobs.sql'), 'utf8');
      const definition = /CREATE OR REPLACE FUNCTION bus_event_jobs[\s\S]*?\$\$;/.exec(original)![0];
      // The installed one is this migration's (lag() over a running count), not 006's.
      const installed = await sql.query<{ src: string }>("SELECT prosrc AS src FROM pg_proc WHERE proname = 'bus_event_jobs'");
      expect(installed.rows.map((r) => r.src)).toEqual([expect.stringContaining('lag(ev.type) OVER w')]);
      // One connection: the old definition lives in that session's temporary schema only.
      const [current, old] = await sql.transaction(async (tx) => {
        await tx.exec(definition.replace('FUNCTION bus_event_jobs', 'FUNCTION pg_temp.bus_event_jobs_006'));
        return [await rows('bus_event_jobs', tx), await rows('pg_temp.bus_event_jobs_006', tx)];
      });
      expect(current).toEqual(old);
      expect(current).toHaveLength(Object.keys(LIVES).length);
    });
  });
}

contract('PGlite (the embedded default)', () => createPgliteClient(undefined));
contract('the real Postgres', async () => createPostgresClient(testDatabaseUrl()));
