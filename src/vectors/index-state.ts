import type { SqlClient } from '../db/sql-client.js';
import { sqlQuery } from './sql-files.js';
import type { IndexScope } from './types.js';

export type FileChange = 'added' | 'updated' | 'unchanged';

/** What the indexer last stored for one file of a root. */
export interface FileState {
  path: string;
  size: number;
  mtimeMs: number;
  sha256: string;
  /** Row ids of the file's chunks, in file order. */
  chunkIds: string[];
  /** The indexing run (`<jobId>/<run>`) that last wrote the file, and what it found. */
  runKey: string | null;
  lastChange: FileChange;
}

export interface IndexStateStore {
  load(scope: IndexScope): Promise<Map<string, FileState>>;
  /** Records files a run has fully written (chunks, vectors and graph); `runKey` lands in `job_id`. */
  upsert(scope: IndexScope, runKey: string, files: readonly Omit<FileState, 'runKey'>[]): Promise<void>;
  /** Files whose mtime moved while their bytes stayed: only size and mtime change. */
  touch(scope: IndexScope, files: readonly { path: string; size: number; mtimeMs: number }[]): Promise<void>;
  remove(scope: IndexScope, paths: readonly string[]): Promise<void>;
  /** The files one run wrote (`upsert`'s job id), with what it found for each. */
  changesOfRun(scope: IndexScope, runKey: string): Promise<{ path: string; change: FileChange }[]>;
}

interface StateRow extends Record<string, unknown> {
  path: string;
  size: number | string;
  mtime_ms: number;
  sha256: string;
  chunk_ids: string[];
  job_id: string | null;
  last_change: FileChange;
}

/** Per-file index state in Postgres `index_state` (migration 005); statements under `sql/queries/indexing/`. */
export function createIndexStateStore(sql: SqlClient): IndexStateStore {
  return {
    async load(scope) {
      const { rows } = await sql.query<StateRow>(sqlQuery('indexing/load-state'), [scope.tenant, scope.root]);
      return new Map(
        rows.map((row) => [
          row.path,
          {
            path: row.path,
            size: Number(row.size),
            mtimeMs: Number(row.mtime_ms),
            sha256: row.sha256,
            chunkIds: row.chunk_ids ?? [],
            runKey: row.job_id,
            lastChange: row.last_change,
          },
        ]),
      );
    },
    async upsert(scope, runKey, files) {
      if (files.length === 0) return;
      const payload = files.map((f) => ({
        path: f.path,
        size: f.size,
        mtime_ms: f.mtimeMs,
        sha256: f.sha256,
        chunk_ids: f.chunkIds,
        last_change: f.lastChange,
      }));
      await sql.query(sqlQuery('indexing/upsert-state'), [scope.tenant, scope.root, runKey, JSON.stringify(payload)]);
    },
    async touch(scope, files) {
      if (files.length === 0) return;
      const payload = files.map((f) => ({ path: f.path, size: f.size, mtime_ms: f.mtimeMs }));
      await sql.query(sqlQuery('indexing/touch-state'), [scope.tenant, scope.root, JSON.stringify(payload)]);
    },
    async remove(scope, paths) {
      if (paths.length === 0) return;
      await sql.query(sqlQuery('indexing/delete-state'), [scope.tenant, scope.root, [...paths]]);
    },
    async changesOfRun(scope, runKey) {
      const { rows } = await sql.query<{ path: string; last_change: FileChange }>(sqlQuery('indexing/run-changes'), [scope.tenant, scope.root, runKey]);
      return rows.map((row) => ({ path: row.path, change: row.last_change }));
    },
  };
}
