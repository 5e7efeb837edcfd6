import { PGlite } from '@electric-sql/pglite';
import { Redis, ReplyError } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createPgliteClient } from '../../src/db/pglite-client.js';
import { mapPgError } from '../../src/db/pg-errors.js';
import { AppError } from '../../src/errors.js';
import { mapRedisError, withRedisErrors } from '../../src/redis/redis-errors.js';

describe('mapRedisError', () => {
  describe('when the connection is gone', () => {
    it('says Redis is unavailable, retryable, naming REDIS_URL', async () => {
      // A real ioredis client against a port nobody listens on: the error shape ioredis really produces.
      const redis = new Redis({ port: 1, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      redis.on('error', () => {}); // the rejection below is what this test reads; the event repeats it
      const error = await withRedisErrors(() => redis.get('x')).catch((e: unknown) => e);
      redis.disconnect();
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', via: 'redis', retryable: true });
      expect((error as AppError).message).toContain('REDIS_URL');
    });
  });

  describe('when Redis refuses the credentials', () => {
    it('is unavailable and not retryable: an operator must act', () => {
      const mapped = mapRedisError(new ReplyError('WRONGPASS invalid username-password pair or user is disabled.'));
      expect(mapped).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', via: 'redis', retryable: false });
    });
  });

  describe('when Redis cannot serve now (loading, failing over, out of memory)', () => {
    it('is retryable UPSTREAM_UNAVAILABLE', () => {
      for (const reply of [
        'LOADING Redis is loading the dataset in memory',
        "READONLY You can't write against a read only replica.",
        'OOM command not allowed',
      ]) {
        expect(mapRedisError(new ReplyError(reply))).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', retryable: true });
      }
    });
  });

  describe('when the error is a bug of ours (WRONGTYPE) or already an AppError', () => {
    it('returns it unchanged, so it becomes INTERNAL at the edge or keeps its code', () => {
      const bug = new ReplyError('WRONGTYPE Operation against a key holding the wrong kind of value');
      expect(mapRedisError(bug)).toBe(bug);
      const known = new AppError('NOT_FOUND', 'gone');
      expect(mapRedisError(known)).toBe(known);
    });
  });
});

// Each test starts a real PGlite (Postgres in WASM): seconds on a busy machine, more than vitest's default 5 s.
const PGLITE_MS = 30_000;

describe('mapPgError on PGlite (mapped like pg)', () => {
  it(
    'turns invalid input into BAD_INPUT via postgres',
    async () => {
      const sql = await createPgliteClient(undefined);
      try {
        const error = await sql.query("SELECT 'x'::int").catch((e: unknown) => e);
        expect(error).toBeInstanceOf(AppError);
        expect(error).toMatchObject({ code: 'BAD_INPUT', via: 'postgres', retryable: false });
        const inTransaction = await sql.transaction((tx) => tx.query("SELECT 'x'::int")).catch((e: unknown) => e);
        expect(inTransaction).toMatchObject({ code: 'BAD_INPUT', via: 'postgres' });
      } finally {
        await sql.close();
      }
    },
    PGLITE_MS,
  );

  it(
    'turns a closed database into UPSTREAM_UNAVAILABLE',
    async () => {
      const sql = await createPgliteClient(undefined);
      await sql.close();
      expect(await sql.query('SELECT 1').catch((e: unknown) => e)).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', via: 'postgres' });
    },
    PGLITE_MS,
  );

  it(
    'gives the same answer for the same SQLSTATE whichever client raised it',
    async () => {
      const db = await PGlite.create();
      const raw = await db.query("SELECT 'x'::int").catch((e: unknown) => e);
      await db.close();
      // pg's DatabaseError carries the SQLSTATE in `code` exactly like PGlite's: one mapping serves both.
      const pgShaped = Object.assign(new Error('invalid input syntax for type integer: "x"'), { code: '22P02' });
      expect(mapPgError(raw)).toMatchObject({ code: 'BAD_INPUT', via: 'postgres' });
      expect(mapPgError(pgShaped)).toMatchObject({ code: 'BAD_INPUT', via: 'postgres' });
    },
    PGLITE_MS,
  );
});
