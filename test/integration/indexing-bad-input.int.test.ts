import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createIndexingProcessor } from '../../agents/indexing/index.js';
import { createLocalHashEmbedder, createOpenAICompatibleEmbedder, type Embedder } from '../../ingest/embedders/index.js';
import { createLogger } from '../../src/observability/logger.js';
import { startWorkerHost, type WorkerHost } from '../../src/queue/worker-host.js';
import { startEmbeddingsServer, type EmbeddingsServer } from '../support/embeddings-server.js';
import { createScratchDatabase, removeGraphOf, terminalEvent } from '../support/indexing-fixtures.js';
import { startPlatform, waitUntil, type Platform } from './support/platform.js';

const JOB = 'query($id: ID!) { job(id: $id) { status attempts error { code message retryable } result } }';
type JobRead = { job: { status: string; attempts: number; error: { code: string; message: string; retryable: boolean } | null; result: Record<string, unknown> | null } };

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
    host = await startWorkerHost({
      redis: runtime.redis, subscriber: runtime.subscriber, prefix: runtime.config.redis.prefix, events: runtime.events,
      lineage: runtime.lineage, logger: createLogger({ level: 'silent' }),
      processors: {
        indexing: createIndexingProcessor({
          // The runtime's own indexing dependencies with another embedder: the store, graph and Redis are the real ones.
          ...runtime.agents.indexing,
          embedder,
        }) as never,
      },
    });
  }

  async function runJob(input: Record<string, unknown>) {
    const { data, errors } = await platform.graphql<{ enqueueIndexing: { jobId: string } }>('mutation($input: IndexingInput!) { enqueueIndexing(input: $input) { jobId } }', { input });
    if (errors) throw new Error(JSON.stringify(errors));
    const jobId = data!.enqueueIndexing.jobId;
    await waitUntil(async () => terminalEvent(await platform.runtime.events.read({ kind: 'job', jobId }, undefined, 5000)), 30_000);
    return waitUntil(async () => {
      const job = (await platform.graphql<JobRead>(JOB, { id: jobId })).data!.job;
      return ['completed', 'failed', 'dead'].includes(job.status) && job;
    });
  }
  const chunkCount = async () => Number((await platform.runtime.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM chunks')).rows[0]!.n);

  describe('refused roots fail the job with BAD_INPUT at once (not retried) and store nothing', () => {
    it.each([
      ['a root outside the allowed roots', () => outside, /outside the allowed roots/],
      ['a `..` path climbing out of an allowed root', () => `${allowed}/../outside`, /outside the allowed roots/],
      ['a relative root with `..`', () => '../../etc', /climbs out of .* with "\.\."/],
      ['a missing folder inside an allowed root', () => path.join(allowed, 'nope'), /does not exist/],
      ['a file instead of a folder', () => path.join(allowed, 'docs', 'a.md'), /is not a directory/],
    ])('%s', async (_name, root, message) => {
      await startIndexer(createLocalHashEmbedder());
      const job = await runJob({ root: root() });
      expect(job.status).toBe('failed');
      expect(job.attempts).toBe(1);
      expect(job.error).toMatchObject({ code: 'BAD_INPUT', retryable: false });
      expect(job.error!.message).toMatch(message);
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
});
