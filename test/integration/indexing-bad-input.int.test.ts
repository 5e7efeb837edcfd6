import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createIndexingProcessor } from '../../agents/indexing/index.js';
import { createLocalHashEmbedder, createOpenAICompatibleEmbedder, type Embedder } from '../../ingest/embedders/index.js';
import { newJobId } from '../../src/queue/job-types.js';
import { workerHostOptions } from '../../src/app.js';
import { startWorkerHost, type WorkerHost } from '../../src/queue/worker-host.js';
import { startEmbeddingsServer, type EmbeddingsServer } from '../support/embeddings-server.js';
import { createScratchDatabase, removeGraphOf, terminalEvent } from '../support/indexing-fixtures.js';
import { startPlatform, waitUntil, type Platform } from './support/platform.js';

const JOB = 'query($id: ID!) { job(id: $id) { status attempts error { code message retryable } result } }';
type JobRead = {
  job: { status: string; attempts: number; error: { code: string; message: string; retryable: boolean } | null; result: Record<string, unknown> | null };
};

describe('indexing agent: bad input gets a clear error and changes nothing', () => {
  let platform: Platform;
  let db: Awaited<ReturnType<typeof createScratchDatabase>>;
  let base: string;
  let allowed: string;
  let outside: string;
  let host: WorkerHost | undefined;
  let server: EmbeddingsServer | undefined;

  beforeAll(async () => {
    base = await mkdtemp(path.join(os.tmpdir(), 'cogo-bad-'));
    allowed = path.join(base, 'allowed');
    outside = path.join(base, 'outside');
    await mkdir(path.join(allowed, 'docs'), { recursive: true });
    await mkdir(outside);
    await writeFile(path.join(allowed, 'docs', 'a.md'), '# Allowed\n\nThe allowed folder holds one document about harbour tides.\n');
    await writeFile(path.join(outside, 'secret.md'), '# Outside\n\nNothing here may be indexed.\n');
    await symlink('/etc', path.join(allowed, 'etc-link'));
    execFileSync('mkfifo', [path.join(allowed, 'pipe')]);
    db = await createScratchDatabase();
    platform = await startPlatform({ DATABASE_URL: db.url, COGO_INDEX_ROOTS: allowed });
  });
  afterEach(async () => {
    await host?.close();
    host = undefined;
    await server?.close();
    server = undefined;
  });
  afterAll(async () => {
    await removeGraphOf(platform.runtime.driver, platform.config.neo4j.database, allowed);
    await platform?.close();
    await db?.drop();
    await rm(base, { recursive: true, force: true });
  });

  /** A worker host in this process whose indexing agent uses `embedder` (the runtime's store, graph, Redis). */
  async function startIndexer(embedder: Embedder) {
    const { runtime } = platform;
    host = await startWorkerHost(
      workerHostOptions(runtime, {
        // The runtime's own indexing dependencies with another embedder: the store, graph and Redis are the real ones.
        indexing: createIndexingProcessor({ ...runtime.agents.indexing, embedder }) as never,
      }),
    );
  }

  async function runJob(input: Record<string, unknown>) {
    const { data, errors } = await platform.graphql<{ enqueueIndexing: { jobId: string } }>(
      'mutation($input: IndexingInput!) { enqueueIndexing(input: $input) { jobId } }',
      { input },
    );
    if (errors) throw new Error(JSON.stringify(errors));
    const jobId = data!.enqueueIndexing.jobId;
    await waitUntil(async () => terminalEvent(await platform.runtime.events.read({ kind: 'job', jobId }, undefined, 5000)), 30_000);
    return waitUntil(async () => {
      const job = (await platform.graphql<JobRead>(JOB, { id: jobId })).data!.job;
      return ['completed', 'failed', 'dead'].includes(job.status) && job;
    });
  }
  const chunkCount = async () => Number((await platform.runtime.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM chunks')).rows[0]!.n);

  describe('issue 9: a refused root gets one FORBIDDEN message at enqueue, whether or not it exists, and nothing is enqueued', () => {
    const refusedMessage = (root: string) => `indexing root "${root}" is not an existing folder inside the allowed roots (COGO_INDEX_ROOTS)`;
    const queued = async () => Object.values(await platform.runtime.queues.indexing.getJobCounts()).reduce((a, b) => a + b, 0);

    it.each([
      ['/etc', () => '/etc'],
      ['/proc/self', () => '/proc/self'],
      ['a symlink inside the allowed root to /etc', () => path.join(allowed, 'etc-link')],
      ['a `..` path climbing out of the allowed root', () => `${allowed}/../outside`],
      ['a relative `..` path', () => '../../../../../../etc'],
      ['a root outside the allowed roots', () => outside],
      ['a folder that does not exist', () => path.join(allowed, 'nope')],
      ['a FIFO', () => path.join(allowed, 'pipe')],
      ['a file instead of a folder', () => path.join(allowed, 'docs', 'a.md')],
    ])('%s', async (_name, root) => {
      const before = await queued();
      const { data, errors } = await platform.graphql('mutation($input: IndexingInput!) { enqueueIndexing(input: $input) { jobId } }', {
        input: { root: root() },
      });
      expect(data?.enqueueIndexing ?? null).toBeNull();
      expect(errors?.[0]).toMatchObject({ message: refusedMessage(root()), extensions: { code: 'FORBIDDEN', retryable: false } });
      expect(await queued()).toBe(before);
      expect(await chunkCount()).toBe(0);
    });

    it('over REST too: 403 with the same message', async () => {
      const response = await fetch(`${platform.url}/v1/indexing/enqueue`, {
        method: 'POST',
        headers: platform.headers(),
        body: JSON.stringify({ root: '/etc' }),
      });
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ ok: false, code: 'FORBIDDEN', error: refusedMessage('/etc') });
    });

    it('the worker checks again: a job that reached the queue another way fails FORBIDDEN at once and reads nothing', async () => {
      await startIndexer(createLocalHashEmbedder());
      const jobId = newJobId('indexing');
      const meta = {
        tenant: platform.tenant,
        traceId: 'f'.repeat(32),
        principal: 'test',
        idempotencyKey: null,
        parentJobId: null,
        enqueuedAt: new Date().toISOString(),
      };
      await platform.runtime.queues.indexing.add(
        'indexing',
        { input: { root: outside, mode: 'incremental', failOnFileError: false, prune: false }, meta },
        { jobId },
      );
      await waitUntil(async () => terminalEvent(await platform.runtime.events.read({ kind: 'job', jobId }, undefined, 5000)), 30_000);
      const job = await waitUntil(async () => {
        const read = (await platform.graphql<JobRead>(JOB, { id: jobId })).data?.job;
        return read && ['failed', 'dead'].includes(read.status) && read;
      });
      expect(job.attempts).toBe(1);
      expect(job.error).toEqual({ code: 'FORBIDDEN', message: refusedMessage(outside), retryable: false });
      expect(await chunkCount()).toBe(0);
    });
  });

  it('an embedding endpoint that returns the wrong dimensions fails the job with a clear, non-retryable error', async () => {
    server = await startEmbeddingsServer({ dimensions: 768 });
    await startIndexer(createOpenAICompatibleEmbedder({ baseUrl: server.url, maxRetries: 0 }));
    const job = await runJob({ root: allowed });
    expect(job.status).toBe('failed');
    expect(job.attempts).toBe(1);
    expect(job.error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', retryable: false });
    expect(job.error!.message).toMatch(/returned 768 dimensions, the index needs 1024/);
    expect(await chunkCount()).toBe(0);
  });

  it('an index made by one embedder refuses another (naming both); mode full rebuilds it with the new one', async () => {
    await startIndexer(createLocalHashEmbedder());
    expect((await runJob({ root: allowed })).status).toBe('completed');
    await host!.close();
    server = await startEmbeddingsServer();
    await startIndexer(createOpenAICompatibleEmbedder({ baseUrl: server.url }));
    const refused = await runJob({ root: allowed });
    expect(refused.status).toBe('failed');
    expect(refused.error?.code).toBe('BAD_INPUT');
    expect(refused.error!.message).toContain('"local-hash-v1:1024"');
    expect(refused.error!.message).toContain('"openai:bge-m3:1024"');
    expect(server.calls()).toBe(0);

    const rebuilt = await runJob({ root: allowed, mode: 'full' });
    expect(rebuilt.status).toBe('completed');
    expect(rebuilt.result).toMatchObject({ rebuilt: true, added: 1, embedder: 'openai:bge-m3:1024' });
    const embedders = await platform.runtime.sql.query<{ embedder: string }>('SELECT DISTINCT embedder FROM chunks WHERE root = $1', [rebuilt.result!.root]);
    expect(embedders.rows).toEqual([{ embedder: 'openai:bge-m3:1024' }]);
  });

  describe('issue 9: files that only fell out of the include/exclude filter', () => {
    const documentsOf = async (root: string) =>
      (await platform.runtime.sql.query<{ path: string }>('SELECT DISTINCT document_path AS path FROM chunks WHERE root = $1 ORDER BY 1', [root])).rows.map(
        (r) => r.path,
      );

    it('are kept by a narrower filter without prune, and deleted with prune: true', async () => {
      const root = path.join(allowed, 'filters');
      await mkdir(path.join(root, 'docs'), { recursive: true });
      await mkdir(path.join(root, 'notes'));
      await writeFile(path.join(root, 'docs', 'tides.md'), '# Tides\n\nThe harbour tide tables, kept in docs.\n');
      await writeFile(path.join(root, 'notes', 'ships.md'), '# Ships\n\nNotes on the ships that came in.\n');
      await startIndexer(createLocalHashEmbedder());
      expect((await runJob({ root })).status).toBe('completed');
      expect(await documentsOf(root)).toEqual(['docs/tides.md', 'notes/ships.md']);

      const narrowed = await runJob({ root, include: ['nothing-matches/**'] });
      expect(narrowed.status).toBe('completed');
      expect(narrowed.result).toMatchObject({ deleted: 0 });
      expect(await documentsOf(root)).toEqual(['docs/tides.md', 'notes/ships.md']);

      const pruned = await runJob({ root, include: ['docs/**'], prune: true });
      expect(pruned.status).toBe('completed');
      expect(pruned.result).toMatchObject({ deleted: 1 });
      expect(await documentsOf(root)).toEqual(['docs/tides.md']);
    });
  });
});
