import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawnTsProcess } from './child-process.js';
import type { Driver } from 'neo4j-driver';
import { createPostgresClient } from '../../src/db/postgres-client.js';
import type { BusEvent } from '../../src/events/event-types.js';
import { runCypher } from '../../src/graph/driver.js';
import { PROJECT_ROOT } from '../../src/paths.js';
import { testDatabaseUrl, uniqueName } from '../integration/support/services.js';

export const FIXTURE_CORPUS = path.join(PROJECT_ROOT, 'test/fixtures/corpus');

/** A database of its own on the test Postgres server, so that chunk counts are this test file's alone. */
export async function createScratchDatabase(prefix = 'cogo_idx'): Promise<{ url: string; drop(): Promise<void> }> {
  const name = uniqueName(prefix);
  const admin = createPostgresClient(testDatabaseUrl(), { max: 1 });
  await admin.exec(`CREATE DATABASE ${name}`);
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.close();
    },
  };
}

/** A fresh copy of the fixture corpus in a temp folder: tests change, touch and delete its files. */
export async function copyCorpus(): Promise<{ root: string; remove(): Promise<void> }> {
  const parent = await mkdtemp(path.join(os.tmpdir(), 'cogo-corpus-'));
  const root = path.join(parent, 'corpus');
  await cp(FIXTURE_CORPUS, root, { recursive: true });
  return { root, remove: () => rm(parent, { recursive: true, force: true }) };
}

/** Removes every node an indexing test wrote under `root` (Documents, Chunks, Entities). */
export async function removeGraphOf(driver: Driver, database: string, root: string): Promise<void> {
  await runCypher(driver, database, 'MATCH (n {root: $root}) WHERE n:Document OR n:Chunk OR n:Entity DETACH DELETE n', { root });
}

export async function countNodes(driver: Driver, database: string, statement: string, params: Record<string, unknown>): Promise<number> {
  const rows = await runCypher<{ n: number }>(driver, database, statement, params, 'READ');
  return Number(rows[0]?.n ?? 0);
}

/** The job's terminal event (done, dead or cancelled), waiting for it. */
export function terminalEvent(events: BusEvent[]): BusEvent | undefined {
  return events.find((e) => e.type === 'indexing.done' || e.type === 'job.dead' || e.type === 'job.cancelled');
}

export interface CliWorker {
  /** The worker id it announced, as its events name it. */
  id: string;
  child: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * A real `cogo worker --queues indexing` process: the indexing agent exactly as operators run it, configured
 * by `env` (queue prefix, DATABASE_URL, EMBEDDINGS_BASE_URL…). Resolves once it serves the queue.
 */
export async function spawnCliWorker(env: NodeJS.ProcessEnv): Promise<CliWorker> {
  const { child, output, stop, ready } = await spawnTsProcess('src/cli/index.ts', ['worker', '--queues', 'indexing'], {
    env,
    ready: /worker (\S+) on indexing/,
  });
  return { id: ready[1] as string, child, output, stop };
}

/** Runs `cogo <args>` to the end and returns its exit code and output. */
export function runCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'src/cli/index.ts'), ...args], {
      env,
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`cogo ${args.join(' ')} ran past ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
