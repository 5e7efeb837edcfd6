import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkers } from '../../src/app.js';
import type { BusEvent } from '../../src/events/event-types.js';
import type { WorkerHost } from '../../src/queue/worker-host.js';
import type { TestProcess } from '../support/child-process.js';
import { copyCorpus, createScratchDatabase, removeGraphOf } from '../support/indexing-fixtures.js';
import { startOpenAiServer, type OpenAiServer } from '../support/openai-server.js';
import { startPlatform, waitUntil, type Platform } from './support/platform.js';
import { indexThroughApi, modelTiersAt, passageIdSaying, spawnOrchestrateWorker } from '../support/ask-fixtures.js';

interface Delta {
  seq: number;
  attempt: number;
  tier: string;
  text: string;
}

describe('an orchestrate job whose worker process is killed mid-stream', () => {
  let platform: Platform;
  let indexer: WorkerHost;
  let models: OpenAiServer;
  let db: Awaited<ReturnType<typeof createScratchDatabase>>;
  let corpus: Awaited<ReturnType<typeof copyCorpus>>;
  const workers: TestProcess[] = [];
  const database = () => platform.config.neo4j.database;

  /** `cogo worker --queues orchestrate`, a real process on the platform's services and the scripted model server. */
  const spawnOrchestrator = () => spawnOrchestrateWorker(platform, workers);

  beforeAll(async () => {
    [db, corpus, models] = await Promise.all([createScratchDatabase(), copyCorpus(), startOpenAiServer()]);
    platform = await startPlatform({
      DATABASE_URL: db.url,
      ...modelTiersAt(models.url, 10000),
    });
    // Indexing in this process; orchestrate jobs only in the worker processes the test starts and kills.
    indexer = await startWorkers(platform.runtime, ['indexing']);
    expect(await indexThroughApi(platform, corpus.root)).toBe('indexing.done');
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await indexer?.close();
    if (platform) await removeGraphOf(platform.runtime.driver, database(), corpus.root);
    await platform?.close();
    await Promise.all([db?.drop(), corpus?.remove(), models?.close()]);
  });

  it('is re-claimed and finishes without calling the model again for the attempt that had finished, with one llm.done', async () => {
    // nano answers (ungrounded) and is finished; mini is slow, and its worker dies while it streams.
    models.script('nano-model', { compose: (r) => `The vault rotates its archive keys every thirty days [${passageIdSaying(r, 'ninety days')}].` });
    models.script(
      'mini-model',
      { compose: (r) => `The vault rotates its archive keys every ninety days [${passageIdSaying(r, 'ninety days')}].`, chunkSize: 4, chunkDelayMs: 200 },
      { compose: (r) => `The vault rotates its archive keys every ninety days [${passageIdSaying(r, 'ninety days')}].`, chunkSize: 8 },
    );
    const first = await spawnOrchestrator();
    const { data } = await platform.graphql<{ enqueueOrchestrate: { jobId: string } }>(
      'mutation($q: String!) { enqueueOrchestrate(input: {question: $q, risk: "low", k: 5}) { jobId } }',
      { q: 'How often does the vault rotate its archive keys?' },
    );
    const jobId = data!.enqueueOrchestrate.jobId;
    const events = () => platform.runtime.events.read({ kind: 'job', jobId }, undefined, 10_000);
    const deltas = (list: BusEvent[]) => list.filter((e) => e.type === 'llm.delta').map((e) => e.data as unknown as Delta);

    // Mid-stream: mini has sent a few deltas of its reply, not all of them.
    await waitUntil(async () => deltas(await events()).filter((d) => d.tier === 'mini').length >= 3, 30_000);
    await first.stop('SIGKILL');
    const lost = deltas(await events()).filter((d) => d.tier === 'mini');
    expect(lost.map((d) => d.text).join('')).not.toContain(']');
    expect(models.calls('nano-model')).toBe(1);
    expect(models.calls('mini-model')).toBe(1);

    await spawnOrchestrator();
    const all = await waitUntil(async () => {
      const list = await events();
      return list.some((e) => ['orchestrate.done', 'job.dead'].includes(e.type)) && list;
    }, 60_000);
    const types = all.map((e) => e.type);
    expect(types.filter((t) => t === 'orchestrate.done')).toHaveLength(1);
    expect(types.filter((t) => t === 'llm.done')).toHaveLength(1);
    expect(types.filter((t) => t.startsWith('job.') && t !== 'job.retrying' && t !== 'job.stalled')).toEqual([]);

    // The checkpoint: nano's finished attempt was not made again; only mini's lost one was.
    expect(models.calls('nano-model')).toBe(1);
    expect(models.calls('mini-model')).toBe(2);
    const done = all.find((e) => e.type === 'llm.done')!.data as {
      answer: string;
      tiersUsed: string[];
      attempts: { tier: string; failure: string | null; escalatedFrom: string | null }[];
      grounded: boolean;
    };
    expect(done.tiersUsed).toEqual(['nano', 'mini']);
    expect(done.attempts.map((a) => [a.tier, a.failure, a.escalatedFrom])).toEqual([
      ['nano', 'ungrounded', null],
      ['mini', null, 'nano'],
    ]);
    expect(done.grounded).toBe(true);
    expect(done.answer).toMatch(/^The vault rotates its archive keys every ninety days\. \[[^\]]+\]$/);

    // The resumed run streams its attempt under a number of its own: the latest attempt is the whole answer.
    const latest = Math.max(...deltas(all).map((d) => d.attempt));
    expect(latest).toBeGreaterThan(lost[0]!.attempt);
    expect(
      deltas(all)
        .filter((d) => d.attempt === latest)
        .map((d) => d.text)
        .join(''),
    ).toMatch(/^The vault rotates its archive keys every ninety days \[[^\]]+\]\.$/);

    // Calls stored once each: the finished nano attempt and the mini one that answered.
    const { records } = await platform.runtime.driver.executeQuery(
      'MATCH (:Job {id: $jobId})-[:MADE_CALL]->(m:ModelCall) RETURN m.tier AS tier ORDER BY m.seq',
      { jobId },
      { database: database() },
    );
    expect(records.map((r) => r.get('tier') as string)).toEqual(['nano', 'mini']);
  });
});
