import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkers } from '../../src/app.js';
import { createKeyStore } from '../../src/auth/key-store.js';
import { DEFAULT_PRICES } from '../../src/config/llm.js';
import { costOf } from '../../src/llm/cost.js';
import type { WorkerHost } from '../../src/queue/worker-host.js';
import { ARTICLE_SENTENCES, startFixtureWeb, type FixtureWeb } from '../support/fixture-web.js';
import { copyCorpus, createScratchDatabase, removeGraphOf, runCli } from '../support/indexing-fixtures.js';
import { startOpenAiServer, type OpenAiServer } from '../support/openai-server.js';
import { createResearchWorkers, deleteTestEvidence } from '../support/research-workers.js';
import { overHttp, overSse, overWebSocket, type Transport } from './support/graphql-transports.js';
import { startPlatform, waitUntil, type Platform } from './support/platform.js';
import { uniqueName } from './support/services.js';
import { indexThroughApi, modelTiersAt, passageIdSaying } from '../support/ask-fixtures.js';

interface AskEvent {
  id: string;
  seq: number;
  jobId: string;
  type: string;
  data: Record<string, unknown>;
}

const ASK = `subscription($q: String!, $o: AskOptions) { ask(question: $q, options: $o) { id seq jobId type data } }`;
const QUESTION = 'How often does the vault rotate its archive keys?';

describe('asking COGO a question (issue 10 interfaces)', () => {
  let platform: Platform;
  let worker: WorkerHost;
  let models: OpenAiServer;
  let db: Awaited<ReturnType<typeof createScratchDatabase>>;
  let corpus: Awaited<ReturnType<typeof copyCorpus>>;
  const database = () => platform.config.neo4j.database;

  beforeAll(async () => {
    [db, corpus, models] = await Promise.all([createScratchDatabase(), copyCorpus(), startOpenAiServer()]);
    platform = await startPlatform({
      DATABASE_URL: db.url,
      ...modelTiersAt(models.url, 5000),
    });
    worker = await startWorkers(platform.runtime, ['indexing', 'orchestrate']);
    expect(await indexThroughApi(platform, corpus.root)).toBe('indexing.done');
  });
  afterAll(async () => {
    await worker?.close();
    // The platform's tenant graph (its jobs and their model calls) goes with the platform; the corpus is removed here.
    if (platform) await removeGraphOf(platform.runtime.driver, database(), corpus.root);
    await platform?.close();
    await Promise.all([db?.drop(), corpus?.remove(), models?.close()]);
  });

  describe('the ask subscription', () => {
    describe.each([
      ['graphql-ws (WebSocket)', overWebSocket(30_000)],
      ['graphql-sse', overSse(30_000)],
    ] as [string, Transport][])('over %s', (_name, transport) => {
      it('enqueues an orchestrate job for the caller and streams its route, every delta in order, then llm.done last', async () => {
        models.script('nano-model', {
          compose: (r) => `The vault rotates its archive keys every ninety days [${passageIdSaying(r, 'ninety days')}].`,
          chunkSize: 6,
        });
        const outcome = await transport(platform.url, ASK, { q: QUESTION, o: { risk: 'low', k: 5 } }, platform.authorization);
        expect(outcome.codes).toEqual([]);
        const events = outcome.data.map((d) => (d as { ask: AskEvent }).ask);
        const types = events.map((e) => e.type);
        expect(types[0]).toBe('meta');
        expect(events.find((e) => e.type === 'meta' && e.data.route)?.data).toMatchObject({ route: { tier: 'nano', taskType: 'answer' } });
        expect(types.at(-1)).toBe('llm.done');
        expect(types.filter((t) => t === 'llm.done')).toHaveLength(1);
        expect(types.filter((t) => !['meta', 'llm.delta', 'llm.done'].includes(t))).toEqual([]);

        const deltas = events.filter((e) => e.type === 'llm.delta').map((e) => e.data as { seq: number; attempt: number; text: string });
        // The reply in 6-character pieces: several deltas, in the order the model sent them.
        expect(deltas.length).toBeGreaterThan(5);
        expect(deltas.map((d) => d.seq)).toEqual(deltas.map((_, i) => i));
        expect(deltas.map((d) => d.text).join('')).toMatch(/^The vault rotates its archive keys every ninety days \[[^\]]+\]\.$/);
        expect(events.map((e) => e.seq)).toEqual([...events.map((e) => e.seq)].sort((a, b) => a - b));

        const done = events.at(-1)!.data as { answer: string; citations: { n: number; ref: string }[]; tiersUsed: string[]; costUsd: number; provider: string };
        expect(done.provider).toBe('model');
        expect(done.answer).toContain('every ninety days');
        expect(done.citations).toEqual([expect.objectContaining({ n: 1, ref: expect.stringMatching(/^docs\/guide\.md:\d+-\d+$/) as unknown })]);
        expect(done.tiersUsed).toEqual(['nano']);
        expect(done.costUsd).toBeGreaterThan(0);

        // One job, the caller's: readable as any job of its tenant, and finished.
        const jobId = events[0]!.jobId;
        expect(jobId).toMatch(/^orchestrate-/);
        expect(new Set(events.map((e) => e.jobId))).toEqual(new Set([jobId]));
        const job = await waitUntil(async () => {
          const { data } = await platform.graphql<{ job: { type: string; status: string } }>('query($id: ID!) { job(id: $id) { type status } }', { id: jobId });
          return data?.job.status === 'completed' && data.job;
        });
        expect(job.type).toBe('orchestrate');
      });
    });

    it('is refused to a key that may read jobs but not ask (jobs:enqueue:orchestrate), and enqueues nothing', async () => {
      const { key } = await createKeyStore(platform.runtime.sql).create({ name: 'reader', tenant: platform.tenant, scopes: ['jobs:read'] });
      const before = await platform.runtime.queues.orchestrate.count();
      const outcome = await overWebSocket(5_000)(platform.url, ASK, { q: QUESTION }, `Bearer ${key}`);
      expect(outcome.codes).toEqual(['FORBIDDEN']);
      expect(outcome.data.filter((d) => d !== null)).toEqual([]);
      expect(await platform.runtime.queues.orchestrate.count()).toBe(before);
    });

    it('proposes a blueprint with proposeBlueprint (llm.done carries it), refused to a key without graph:write', async () => {
      const { key } = await createKeyStore(platform.runtime.sql).create({ name: 'asker', tenant: platform.tenant, scopes: ['jobs:enqueue:orchestrate'] });
      const before = await platform.runtime.queues.orchestrate.count();
      const o = { risk: 'low', k: 5, proposeBlueprint: { name: 'vault-keys' } };
      const refused = await overSse(5_000)(platform.url, ASK, { q: QUESTION, o }, `Bearer ${key}`);
      expect(refused.codes).toEqual(['FORBIDDEN']);
      expect(await platform.runtime.queues.orchestrate.count()).toBe(before);

      models.script('nano-model', { compose: (r) => `The vault rotates its archive keys every ninety days [${passageIdSaying(r, 'ninety days')}].` });
      const outcome = await overSse(30_000)(platform.url, ASK, { q: QUESTION, o }, platform.authorization);
      const events = outcome.data.map((d) => (d as { ask: AskEvent }).ask);
      expect(events.at(-1)?.type).toBe('llm.done');
      expect(events.at(-1)!.data.blueprint).toMatchObject({ name: 'vault-keys', status: 'proposed', created: true });
    });

    it('answers bad options as BAD_INPUT before any job exists', async () => {
      const outcome = await overSse(5_000)(platform.url, ASK, { q: 'why?', o: { k: 99 } }, platform.authorization);
      expect(outcome.codes).toEqual(['BAD_INPUT']);
    });
  });

  describe('the CLI, a client of the API', () => {
    it('cogo ask streams the answer with passage ids numbered, then the numbered citations as path:lines', async () => {
      models.script('nano-model', {
        compose: (r) => `The vault rotates its archive keys every thirty days [${passageIdSaying(r, 'ninety days')}].`,
        chunkSize: 5,
      });
      models.script('mini-model', {
        compose: (r) => `The vault rotates its archive keys every ninety days [${passageIdSaying(r, 'ninety days')}].`,
        chunkSize: 5,
      });
      const { code, stdout, stderr } = await runCli(['ask', QUESTION, '--risk', 'low', '-k', '5'], platform.env);
      expect({ code, stderr }).toMatchObject({ code: 0 });
      // The ungrounded nano attempt streamed first and stays on screen; the escalated answer follows it.
      expect(stdout).toMatch(
        /^The vault rotates its archive keys every thirty days \[1\]\.\nThe vault rotates its archive keys every ninety days \[1\]\.\n\n\[1\] docs\/guide\.md:\d+-\d+\n$/,
      );
      expect(stderr).toContain('asking again on mini');
      expect(stderr).toMatch(/tiers nano → mini · \$\d+\.\d{6} · job orchestrate-/);
    });

    it('cogo ask --index indexes the folder in a child job first, and says which children ran', async () => {
      models.script('nano-model', { compose: (r) => `The vault rotates its archive keys every ninety days [${passageIdSaying(r, 'ninety days')}].` });
      const { code, stdout, stderr } = await runCli(['ask', QUESTION, '--risk', 'low', '-k', '5', '--index', corpus.root, '--json'], platform.env);
      expect(code, stderr).toBe(0);
      const done = JSON.parse(stdout) as { jobId: string; children: { role: string; jobId: string; status: string }[]; answer: string };
      expect(done.children).toMatchObject([{ role: 'indexing', status: 'completed' }]);
      expect(done.answer).toContain('ninety days');
      expect(stderr).toMatch(new RegExp(`^indexing job ${done.children[0]!.jobId}: completed$`, 'm'));
      // The child is the orchestrate job's in the graph too.
      const { data } = await platform.graphql<{ job: { parentJobId: string } }>('query($id: ID!) { job(id: $id) { parentJobId } }', {
        id: done.children[0]!.jobId,
      });
      expect(data?.job.parentJobId).toBe(done.jobId);
    });

    it('cogo ask --index refuses a folder that is not there before anything is enqueued', async () => {
      const before = await platform.countJobs();
      const { code, stderr } = await runCli(['ask', QUESTION, '--index', '/no/such/folder'], platform.env);
      expect(code).toBe(1);
      expect(stderr).toMatch(/^ask failed: BAD_INPUT: \/no\/such\/folder is not a folder on this machine; nothing was enqueued/m);
      expect(await platform.countJobs()).toBe(before);
    });

    it('cogo ask reports a refusal of its input and exits 1', async () => {
      const { code, stdout, stderr } = await runCli(['ask', QUESTION, '-k', '99'], platform.env);
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/^ask failed: BAD_INPUT: /m);
    });

    it('cogo research enqueues a research job and prints its ranked evidence when it is done', async () => {
      const web: FixtureWeb = await startFixtureWeb();
      const research = createResearchWorkers(platform);
      try {
        await research.spawnResearchWorker([`127.0.0.1:${web.port}`]);
        const { code, stdout, stderr } = await runCli(['research', 'How predictable is tidal stream power?', '--source', `${web.url}/article`], platform.env);
        expect(code, `${stderr}\n${stdout}`).toBe(0);
        expect(stderr).toMatch(/^research job research-/m);
        const first = stdout.split('\n').slice(0, 3);
        expect(first[0]).toMatch(/^1\. (0|1)\.\d{3} {2}\S/);
        expect(first[1]).toBe(`   ${web.url}/article`);
        expect(first[2]).toMatch(/^ {3}".+"$/);
        expect(stdout).toContain(ARTICLE_SENTENCES[0]!.slice(0, 40));
      } finally {
        await research.stopAll();
        await deleteTestEvidence(platform, [web.url]);
        await web.close();
      }
    });
  });

  describe('routingReport', () => {
    const REPORT = `query($since: DateTime) { routingReport(since: $since) {
      since questions calls truncated escalationRate escalations groundingFailures groundingFailureRate costUsd alwaysFullCostUsd
      savingShare meanLatencyMs p95LatencyMs alwaysFullMeanLatencyMs tiers { tier calls failed tokensIn tokensOut costUsd meanLatencyMs } } }`;
    interface Report {
      since: string | null;
      questions: number;
      calls: number;
      truncated: boolean;
      escalationRate: number;
      escalations: number;
      groundingFailures: number;
      groundingFailureRate: number;
      costUsd: number;
      alwaysFullCostUsd: number;
      savingShare: number;
      meanLatencyMs: number | null;
      p95LatencyMs: number | null;
      alwaysFullMeanLatencyMs: number | null;
      tiers: { tier: string; calls: number; failed: number; tokensIn: number; tokensOut: number; costUsd: number; meanLatencyMs: number | null }[];
    }
    const askOver = async (q: string) => {
      const outcome = await overSse(30_000)(platform.url, ASK, { q, o: { risk: 'low', k: 5 } }, platform.authorization);
      const events = outcome.data.map((d) => (d as { ask: AskEvent }).ask);
      expect(events.at(-1)?.type).toBe('llm.done');
      return { jobId: events[0]!.jobId, costUsd: (events.at(-1)!.data as { costUsd: number }).costUsd };
    };

    it("adds up the caller's model calls since a time: per tier, escalations, grounding failures, cost and latency against always-full", async () => {
      models.script('nano-model', { compose: (r) => `The vault rotates its archive keys every ninety days [${passageIdSaying(r, 'ninety days')}].` });
      const plain = await askOver(QUESTION);
      models.script('nano-model', { compose: (r) => `The vault rotates its archive keys every thirty days [${passageIdSaying(r, 'ninety days')}].` });
      models.script('mini-model', { compose: (r) => `The vault rotates its archive keys every ninety days [${passageIdSaying(r, 'ninety days')}].` });
      const escalated = await askOver(QUESTION);
      // `since` is the first of the two jobs' enqueue time: the file's earlier questions fall before it.
      const { data: first } = await platform.graphql<{ job: { enqueuedAt: string } }>('query($id: ID!) { job(id: $id) { enqueuedAt } }', { id: plain.jobId });
      const since = first!.job.enqueuedAt;
      // The calls are stored after llm.done is sent: wait for both jobs' calls.
      const stored = await waitUntil(async () => {
        const { records } = await platform.runtime.driver.executeQuery(
          'MATCH (m:ModelCall) WHERE m.jobId IN $ids RETURN m.jobId AS jobId, m.tier AS tier, m.tokensIn AS tin, m.tokensOut AS tout, m.latencyMs AS ms ORDER BY m.jobId, m.seq',
          { ids: [plain.jobId, escalated.jobId] },
          { database: database() },
        );
        return (
          records.length === 3 &&
          records.map((r) => ({
            jobId: r.get('jobId') as string,
            tier: r.get('tier') as string,
            tin: Number(r.get('tin')),
            tout: Number(r.get('tout')),
            ms: Number(r.get('ms')),
          }))
        );
      });

      const { data, errors } = await platform.graphql<{ routingReport: Report }>(REPORT, { since });
      expect(errors).toBeUndefined();
      const report = data!.routingReport;
      expect(new Date(report.since!).toISOString()).toBe(new Date(since).toISOString());
      expect(report).toMatchObject({ questions: 2, calls: 3, truncated: false, escalations: 1, escalationRate: 0.5, groundingFailures: 1 });
      expect(report.groundingFailureRate).toBeCloseTo(1 / 3, 12);
      expect(report.tiers.map((t) => [t.tier, t.calls, t.failed])).toEqual([
        ['nano', 2, 1],
        ['mini', 1, 0],
        ['full', 0, 0],
      ]);
      expect(report.costUsd).toBeCloseTo(plain.costUsd + escalated.costUsd, 12);
      // Always-full: each question once on full with the tokens of the answer it kept (its last call).
      const kept = [stored.filter((c) => c.jobId === plain.jobId).at(-1)!, stored.filter((c) => c.jobId === escalated.jobId).at(-1)!];
      const full = kept.reduce((sum, c) => sum + costOf(DEFAULT_PRICES, 'full', { inputTokens: c.tin, outputTokens: c.tout }), 0);
      expect(report.alwaysFullCostUsd).toBeCloseTo(full, 12);
      expect(report.savingShare).toBeCloseTo(1 - report.costUsd / full, 12);
      expect(report.savingShare).toBeGreaterThan(0);
      const perQuestion = [plain.jobId, escalated.jobId].map((id) => stored.filter((c) => c.jobId === id).reduce((s, c) => s + c.ms, 0));
      expect(report.meanLatencyMs).toBeCloseTo((perQuestion[0]! + perQuestion[1]!) / 2, 9);
      expect(report.p95LatencyMs).toBe(Math.max(...perQuestion));
      expect(report.alwaysFullMeanLatencyMs).toBeNull();

      // Without `since`: the file's earlier questions count too.
      const all = (await platform.graphql<{ routingReport: Report }>(REPORT)).data!.routingReport;
      expect(all.questions).toBeGreaterThan(2);
      expect(all.since).toBeNull();
    });

    it('shows another tenant none of these calls, and is refused to a key without jobs:read', async () => {
      const keys = createKeyStore(platform.runtime.sql);
      const other = (await keys.create({ name: 'other', tenant: uniqueName('rr'), scopes: ['*'] })).key;
      const outcome = await overHttp(platform.url, REPORT, {}, `Bearer ${other}`);
      expect(outcome.codes).toEqual([]);
      expect(outcome.data[0]).toMatchObject({ routingReport: { questions: 0, calls: 0, costUsd: 0, escalationRate: 0, meanLatencyMs: null } });
      const asker = (await keys.create({ name: 'asker', tenant: platform.tenant, scopes: ['jobs:enqueue:orchestrate'] })).key;
      expect((await overHttp(platform.url, REPORT, {}, `Bearer ${asker}`)).codes).toEqual(['FORBIDDEN']);
    });
  });
});
