import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkers } from '../../src/app.js';
import type { BusEvent } from '../../src/events/event-types.js';
import type { WorkerHost } from '../../src/queue/worker-host.js';
import { modelTiersAt, passageIdSaying, spawnOrchestrateWorker } from '../support/ask-fixtures.js';
import type { TestProcess } from '../support/child-process.js';
import { copyCorpus, createScratchDatabase, removeGraphOf, runCli } from '../support/indexing-fixtures.js';
import { startOpenAiServer, type OpenAiServer, type ReceivedChat } from '../support/openai-server.js';
import { startResearchCorpus, type ResearchCorpus } from '../support/research-corpus.js';
import { deleteTestEvidence } from '../support/research-workers.js';
import { startPlatform, waitUntil, type Platform } from './support/platform.js';

/** The first sentence of the prompt's passage whose reference starts with `refPrefix`, and its id. */
function passageFrom(request: ReceivedChat, refPrefix: string): { id: string; sentence: string } {
  const user = request.messages.find((m) => m.role === 'user')!.content;
  for (const match of user.matchAll(/^\[([^\]\s]+)\] \(([^)]*)\) (.*)$/gm)) {
    if (match[2]!.startsWith(refPrefix)) return { id: match[1]!, sentence: /^.*?[.!?](?=\s|$)/.exec(match[3]!)?.[0] ?? match[3]! };
  }
  return { id: 'none', sentence: 'No evidence.' };
}

describe('an orchestrate job that decomposes into research and indexing children (a BullMQ flow)', () => {
  let platform: Platform;
  let childWorkers: WorkerHost;
  let models: OpenAiServer;
  let web: ResearchCorpus;
  let db: Awaited<ReturnType<typeof createScratchDatabase>>;
  let corpus: Awaited<ReturnType<typeof copyCorpus>>;
  const orchestrators: TestProcess[] = [];
  const database = () => platform.config.neo4j.database;

  const spawnOrchestrator = () => spawnOrchestrateWorker(platform, orchestrators);

  beforeAll(async () => {
    [db, corpus, models, web] = await Promise.all([createScratchDatabase(), copyCorpus(), startOpenAiServer(), startResearchCorpus()]);
    platform = await startPlatform({ DATABASE_URL: db.url, COGO_RESEARCH_ALLOW_HOSTS: `127.0.0.1:${web.port}`, ...modelTiersAt(models.url, 10000) });
    await deleteTestEvidence(platform, [web.url]);
    // The children run in this process; the orchestrate parent only in the worker processes the test kills.
    childWorkers = await startWorkers(platform.runtime, ['indexing', 'research']);
  });
  afterAll(async () => {
    await Promise.all(orchestrators.map((w) => w.stop('SIGKILL')));
    await childWorkers?.close();
    if (platform) {
      await removeGraphOf(platform.runtime.driver, database(), corpus.root);
      await deleteTestEvidence(platform, [web.url]);
    }
    await platform?.close();
    await Promise.all([db?.drop(), corpus?.remove(), models?.close(), web?.close()]);
  });

  it('waits for its children, survives SIGKILL after they finished without running them again, and cites chunks and evidence', async () => {
    const answer = (r: ReceivedChat) => {
      const evidence = passageFrom(r, web.url);
      return `The vault rotates its archive keys every ninety days [${passageIdSaying(r, 'ninety days')}]. ${evidence.sentence} [${evidence.id}]`;
    };
    // Whichever tier the route picks: its first reply is slow (the worker dies while it streams), the next one is not.
    for (const model of ['nano-model', 'mini-model', 'full-model'])
      models.script(model, { compose: answer, chunkSize: 4, chunkDelayMs: 150 }, { compose: answer });
    const calls = () => ['nano-model', 'mini-model', 'full-model'].reduce((sum, m) => sum + models.calls(m), 0);

    await spawnOrchestrator();
    const { data, errors } = await platform.graphql<{ enqueueOrchestrate: { jobId: string } }>(
      'mutation($input: OrchestrateInput!) { enqueueOrchestrate(input: $input) { jobId } }',
      {
        input: {
          question: 'How often does the vault rotate its archive keys?',
          risk: 'low',
          k: 5,
          index: { root: corpus.root },
          // Held by the page's server until released: the parent must wait for this child.
          research: { sources: [`${web.url}/doc/7?hold=1`], maxItems: 3 },
        },
      },
    );
    expect(errors).toBeUndefined();
    const jobId = data!.enqueueOrchestrate.jobId;
    const read = (id: string) => platform.runtime.events.read({ kind: 'job', jobId: id }, undefined, 10_000);
    const childRows = async () => {
      const { records } = await platform.runtime.driver.executeQuery(
        'MATCH (c:Job)-[:CHILD_OF]->(:Job {id: $jobId}) RETURN c.type AS type, c.id AS id ORDER BY type',
        { jobId },
        { database: database() },
      );
      return records.map((r) => ({ type: r.get('type') as string, id: r.get('id') as string }));
    };

    // The indexing child finishes; the research child is held; the parent waits in BullMQ, holding no worker.
    const children = await waitUntil(async () => ((await childRows()).length === 2 ? await childRows() : undefined), 30_000);
    const [indexing, research] = children;
    expect(children.map((c) => c.type)).toEqual(['indexing', 'research']);
    await waitUntil(async () => (await read(indexing!.id)).some((e) => e.type === 'indexing.done'), 60_000);
    await waitUntil(async () => (await platform.runtime.queues.orchestrate.getJobState(jobId)) === 'waiting-children', 30_000);
    expect(calls()).toBe(0);
    // A parent parked for its children reads `waiting` (not `active`) on every interface: REST, GraphQL, CLI.
    const rest = await fetch(`${platform.url}/v1/jobs/${jobId}`, { headers: platform.headers() });
    expect(((await rest.json()) as { job: { status: string } }).job.status).toBe('waiting');
    const viaGraphql = await platform.graphql<{ job: { status: string } }>('query($id: ID!) { job(id: $id) { status } }', { id: jobId });
    expect(viaGraphql.data?.job.status).toBe('waiting');
    const shown = await runCli(['jobs', 'show', jobId, '--json'], platform.env);
    expect(JSON.parse(shown.stdout) as { status: string }).toMatchObject({ status: 'waiting' });
    const listed = await platform.graphql<{ jobs: { edges: { node: { id: string } }[] } }>(
      'query { jobs(filter: {status: waiting, type: orchestrate}) { edges { node { id } } } }',
    );
    expect(listed.data?.jobs.edges.map((e) => e.node.id)).toContain(jobId);

    // Research finishes; the parent runs again and answers. A second orchestrator starts meanwhile (start-up is
    // slow on a shared machine); the first one is killed mid-stream, after both children finished.
    web.release();
    const second = spawnOrchestrator();
    await waitUntil(async () => (await read(research!.id)).some((e) => e.type === 'research.done'), 60_000);
    const deltas = (list: BusEvent[]) => list.filter((e) => e.type === 'llm.delta');
    await waitUntil(async () => deltas(await read(jobId)).length >= 3, 30_000);
    await orchestrators[0]!.stop('SIGKILL');
    await second;
    const all = await waitUntil(async () => {
      const list = await read(jobId);
      return list.some((e) => ['orchestrate.done', 'job.dead'].includes(e.type)) && list;
    }, 60_000);
    const types = all.map((e) => e.type);
    expect(types.filter((t) => t === 'orchestrate.done')).toHaveLength(1);
    expect(types.filter((t) => t === 'llm.done')).toHaveLength(1);
    expect(all.some((e) => e.type === 'meta' && (e.data as { phase?: string }).phase === 'waiting-children')).toBe(true);

    // Each child ran once (one start, one done), and no second set of children was enqueued.
    for (const child of children) {
      const events = await read(child.id);
      expect(events.filter((e) => e.type === 'meta' && (e.data as { phase?: string }).phase === 'started')).toHaveLength(1);
      expect(events.filter((e) => e.type === `${child.type}.done`)).toHaveLength(1);
    }
    expect(await childRows()).toEqual(children);
    // One lost streaming attempt, then the answer: the answered run called no model again.
    expect(calls()).toBe(2);

    const done = all.find((e) => e.type === 'llm.done')!.data as {
      grounded: boolean;
      citations: { n: number; id: string; ref: string }[];
      children: { role: string; jobId: string; status: string; evidence?: number }[];
    };
    expect(done.grounded).toBe(true);
    expect(done.children.map((c) => [c.role, c.jobId, c.status])).toEqual([
      ['indexing', indexing!.id, 'completed'],
      ['research', research!.id, 'completed'],
    ]);
    // Cited: a chunk of the indexed folder (path:lines) and an evidence item of the research child (its URL).
    expect(done.citations).toHaveLength(2);
    expect(done.citations[0]!.ref).toMatch(/guide\.md:\d+-\d+$/);
    expect(done.citations[1]!.ref.startsWith(`${web.url}/doc/7`)).toBe(true);
    const researchResult = (await platform.runtime.jobs.get(research!.id, { id: 'test', tenant: platform.tenant })).result as { evidence: { id: string }[] };
    expect(researchResult.evidence.map((e) => e.id)).toContain(done.citations[1]!.id);
  });
  it('answers without a child that failed for good, and reports it (the flow does not strand the parent)', async () => {
    const answer = (r: ReceivedChat) => `The vault rotates its archive keys every ninety days [${passageIdSaying(r, 'ninety days')}].`;
    for (const model of ['nano-model', 'mini-model', 'full-model']) models.script(model, { compose: answer });
    // In this process this time: the first test's worker processes are gone.
    const orchestrator = await startWorkers(platform.runtime, ['orchestrate']);
    try {
      const { data, errors } = await platform.graphql<{ enqueueOrchestrate: { jobId: string } }>(
        'mutation($input: OrchestrateInput!) { enqueueOrchestrate(input: $input) { jobId } }',
        // file:// is refused for good (not retryable): the research child fails at once.
        { input: { question: 'How often does the vault rotate its archive keys?', risk: 'low', k: 5, research: { sources: ['file:///etc/passwd'] } } },
      );
      expect(errors).toBeUndefined();
      const jobId = data!.enqueueOrchestrate.jobId;
      const events = await waitUntil(async () => {
        const list = await platform.runtime.events.read({ kind: 'job', jobId }, undefined, 10_000);
        return list.some((e) => ['orchestrate.done', 'job.dead'].includes(e.type)) && list;
      }, 60_000);
      const done = events.find((e) => e.type === 'llm.done')!.data as {
        grounded: boolean;
        citations: { ref: string }[];
        children: { role: string; status: string }[];
      };
      expect(done.children.map((c) => [c.role, c.status])).toEqual([['research', 'failed']]);
      expect(done.grounded).toBe(true);
      expect(done.citations.map((c) => c.ref)).toEqual([expect.stringMatching(/guide\.md:\d+-\d+$/)]);
    } finally {
      await orchestrator.close();
    }
  });
});
