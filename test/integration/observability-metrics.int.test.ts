import os from 'node:os';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startWorkers, workerHostOptions } from '../../src/app.js';
import { isTerminalEvent, type BusEvent } from '../../src/events/event-types.js';
import type { Processor } from '../../src/queue/job-context.js';
import { startMetricsServer } from '../../src/observability/metrics-server.js';
import { startWorkerHost, type WorkerHost } from '../../src/queue/worker-host.js';
import { indexThroughApi, modelTiersAt, passageIdSaying } from '../support/ask-fixtures.js';
import { copyCorpus, createScratchDatabase, removeGraphOf } from '../support/indexing-fixtures.js';
import { startOpenAiServer, type OpenAiServer, type ScriptedReply } from '../support/openai-server.js';
import { parsePrometheus, sampleValue, type Sample } from '../support/prometheus-text.js';
import { scriptedProcessor } from '../support/scripted-processor.js';
import { startPlatform, waitUntil, type Platform } from './support/platform.js';

describe('metrics (/metrics) after a job of each type', () => {
  let platform: Platform;
  let agents: WorkerHost;
  let others: WorkerHost;
  let models: OpenAiServer;
  let db: Awaited<ReturnType<typeof createScratchDatabase>>;
  let corpus: Awaited<ReturnType<typeof copyCorpus>>;

  beforeAll(async () => {
    [db, corpus, models] = await Promise.all([createScratchDatabase(), copyCorpus(), startOpenAiServer()]);
    platform = await startPlatform({ DATABASE_URL: db.url, ...modelTiersAt(models.url, 5000) });
    // The real indexing and orchestrate agents; research and build run a processor that only reports progress
    // (their agents need the web and a sandbox), execute the scripted one that can fail on purpose.
    agents = await startWorkers(platform.runtime, ['indexing', 'orchestrate']);
    const quick: Processor<unknown> = async (ctx) => {
      await ctx.progress({ step: 1 });
      return { ok: true };
    };
    const { runtime } = platform;
    others = await startWorkerHost(
      workerHostOptions(runtime, { research: quick, build: quick, execute: scriptedProcessor(runtime.redis, runtime.keyPrefix, runtime.lineage) }),
    );
  });
  afterAll(async () => {
    await Promise.all([agents?.close(), others?.close()]);
    if (platform) await removeGraphOf(platform.runtime.driver, platform.config.neo4j.database, corpus.root);
    await platform?.close();
    await Promise.all([db?.drop(), corpus?.remove(), models?.close()]);
  });

  const scrape = async (): Promise<Sample[]> => {
    const response = await fetch(`${platform.url}/metrics`, { headers: platform.headers() });
    expect(response.status).toBe(200);
    return parsePrometheus(await response.text());
  };
  const enqueue = async (type: string, input: Record<string, unknown>): Promise<string> => {
    const field = `enqueue${type[0]!.toUpperCase()}${type.slice(1)}`;
    const inputType = `${type[0]!.toUpperCase()}${type.slice(1)}Input`;
    const body = await platform.graphql<Record<string, { jobId: string }>>(`mutation($input: ${inputType}!) { ${field}(input: $input) { jobId } }`, { input });
    expect(body.errors).toBeUndefined();
    return body.data![field]!.jobId;
  };
  const finished = (jobId: string, timeoutMs = 30_000): Promise<BusEvent> =>
    waitUntil(async () => (await platform.runtime.events.read({ kind: 'job', jobId })).find((e) => isTerminalEvent(e.type)), timeoutMs);

  it('times each job by type and outcome, and counts retries, dead letters, model calls, cost and embeddings', async () => {
    expect(await indexThroughApi(platform, corpus.root)).toBe('indexing.done');
    // Three answers: one cites its passage faithfully, one states the fact without citing (ungrounded, but no
    // unsupported citation), one cites the passage for a number it does not say on every tier (evidence mismatch).
    const reply: ScriptedReply = {
      compose: (r) => {
        const question = r.messages.find((m) => m.role === 'user')!.content;
        if (question.includes('How often')) return `The vault rotates its archive keys every ninety days [${passageIdSaying(r, 'ninety days')}].`;
        if (question.includes('Which period')) return 'The vault rotates its archive keys every ninety days.';
        return `The vault rotates its archive keys every thirty days [${passageIdSaying(r, 'ninety days')}].`;
      },
    };
    for (const model of ['nano-model', 'mini-model', 'full-model']) models.script(model, reply, reply, reply);
    const jobs = await Promise.all([
      enqueue('research', { question: 'how often do the archive keys rotate?' }),
      enqueue('build', { workspace: os.tmpdir(), command: ['true'] }),
      enqueue('execute', { action: 'script', params: { steps: 1 } }),
      enqueue('orchestrate', { question: 'How often do the archive keys rotate?' }),
      enqueue('orchestrate', { question: 'Which period do the archive keys rotate on?' }),
      enqueue('orchestrate', { question: 'What is the rotation period of the archive keys?' }),
    ]);
    const dead = await enqueue('execute', { action: 'script', params: { failRuns: 99 } });
    const ends = await Promise.all([...jobs, dead].map((id) => finished(id)));
    expect(ends.map((e) => e.type)).toEqual([
      'research.done',
      'build.done',
      'execute.done',
      'orchestrate.done',
      'orchestrate.done',
      'orchestrate.done',
      'job.dead',
    ]);
    const answers = await Promise.all(
      jobs.slice(3).map(async (jobId) => (await platform.runtime.events.read({ kind: 'job', jobId })).find((e) => e.type === 'llm.done')!.data),
    );
    expect(answers.map((a) => [a.grounded, a.unsupportedCitations])).toEqual([
      [true, 0],
      [false, 0],
      [false, 1],
    ]);

    const samples = await scrape();
    for (const type of ['indexing', 'research', 'build', 'execute', 'orchestrate']) {
      expect(sampleValue(samples, 'cogo_job_duration_seconds_count', { type, outcome: 'completed' }), type).toBeGreaterThanOrEqual(1);
    }
    expect(sampleValue(samples, 'cogo_job_duration_seconds_count', { type: 'execute', outcome: 'retried' })).toBe(2);
    expect(sampleValue(samples, 'cogo_job_duration_seconds_count', { type: 'execute', outcome: 'dead' })).toBe(1);
    expect(sampleValue(samples, 'cogo_job_retries_total', { type: 'execute' })).toBe(2);
    expect(sampleValue(samples, 'cogo_dead_letters_total', { type: 'execute', status: 'dead' })).toBe(1);
    const calls = samples.filter((s) => s.name === 'cogo_model_calls_total');
    expect(calls.reduce((n, s) => n + s.value, 0)).toBe(models.calls('nano-model') + models.calls('mini-model') + models.calls('full-model'));
    expect(samples.filter((s) => s.name === 'cogo_model_cost_usd_total').reduce((n, s) => n + s.value, 0)).toBeGreaterThan(0);
    const embedded = samples.find((s) => s.name === 'cogo_embedded_texts_total');
    expect(embedded?.labels.embedder).toBe(platform.runtime.embedder.id);
    expect(embedded?.value).toBeGreaterThan(0);
    expect(sampleValue(samples, 'cogo_graphql_operation_duration_seconds_count', { type: 'mutation', operation: 'enqueueExecute', outcome: 'ok' })).toBe(2);
    expect(sampleValue(samples, 'cogo_http_request_duration_seconds_count', { method: 'POST', route: '/graphql', status: '200' })).toBeGreaterThanOrEqual(6);
    expect(sampleValue(samples, 'cogo_nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(sampleValue(samples, 'cogo_queue_jobs', { queue: 'execute', state: 'waiting' })).toBe(0);

    // The same jobs in the dashboard's gates, from the durable event log (this file's own database).
    type Report = { gateReport: { gates: { name: string; value: number | null; ok: boolean | null }[]; buckets: { jobs: number }[] } };
    const report = await waitUntil(async () => {
      const { data } = await platform.graphql<Report>('{ gateReport(hours: 1, buckets: 6) { gates { name value ok } buckets { jobs } } }');
      // The event log is written in batches: wait for the dead job's end to land too.
      const landed = data && data.gateReport.buckets.reduce((n, b) => n + b.jobs, 0) === 8 && (data.gateReport.gates[2]!.value ?? 0) > 0;
      return landed ? data.gateReport : undefined;
    });
    const gate = Object.fromEntries(report.gates.map((g) => [g.name, g]));
    expect(gate.e2eSuccess).toEqual({ name: 'e2eSuccess', value: 7 / 8, ok: false });
    expect(gate.errorRate).toEqual({ name: 'errorRate', value: 1 / 8, ok: false });
    expect(gate.evidenceMismatch).toEqual({ name: 'evidenceMismatch', value: 1 / 3, ok: false });
    expect(gate.duplicateExecutions).toEqual({ name: 'duplicateExecutions', value: 0, ok: true });
    expect(gate.timeToRecover).toEqual({ name: 'timeToRecover', value: null, ok: null });
    expect(gate.p95Latency!.ok).toBe(gate.p95Latency!.value! <= 5000);
  });

  it('serves the same metrics without the API for a worker-only process (cogo worker --metrics-port), on loopback', async () => {
    const server = await startMetricsServer(platform.runtime.metrics, 0);
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const samples = parsePrometheus(await (await fetch(server.url)).text());
      expect(sampleValue(samples, 'cogo_job_duration_seconds_count', { type: 'execute', outcome: 'completed' })).toBeGreaterThanOrEqual(1);
      expect((await fetch(server.url.replace('/metrics', '/other'))).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('counts a graphql-ws subscription while it is open; systemEvents fromNow delivers only what comes after', async () => {
    const client = createClient({
      url: `${platform.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: platform.authorization },
    });
    try {
      // The system stream already holds the earlier tests' events: none of them may come first.
      const events = client.iterate<{ systemEvents: BusEvent }>({ query: 'subscription { systemEvents(fromNow: true) { id type jobId } }' });
      const first = events.next();
      await waitUntil(async () => sampleValue(await scrape(), 'cogo_open_subscriptions', { transport: 'graphql-ws' }) === 1);
      const jobId = await enqueue('execute', { action: 'script', params: { steps: 1 } });
      const { value } = await first;
      expect(value?.data?.systemEvents).toMatchObject({ type: 'job.enqueued', jobId });
      await events.return?.();
      await waitUntil(async () => sampleValue(await scrape(), 'cogo_open_subscriptions', { transport: 'graphql-ws' }) === 0);
    } finally {
      await client.dispose();
    }
  });

  it('counts an open event stream by transport and the lag of what it delivers live', async () => {
    const before = sampleValue(await scrape(), 'cogo_event_lag_seconds_count', { stream: 'job' }) ?? 0;
    const jobId = await enqueue('execute', { action: 'script', params: { steps: 6, stepMs: 300 } });
    const abort = new AbortController();
    const response = await fetch(`${platform.url}/v1/jobs/${jobId}/events`, { headers: { authorization: platform.authorization }, signal: abort.signal });
    const reader = response.body!.getReader();
    await reader.read();
    const open = await scrape();
    expect(sampleValue(open, 'cogo_open_subscriptions', { transport: 'rest-sse' })).toBe(1);
    expect(sampleValue(open, 'cogo_open_subscriptions', { transport: 'graphql-ws' })).toBe(0);
    let text = '';
    const decoder = new TextDecoder();
    while (!text.includes('event: end')) text += decoder.decode((await reader.read()).value ?? new Uint8Array(), { stream: true });
    abort.abort();
    const after = await waitUntil(async () => {
      const samples = await scrape();
      return sampleValue(samples, 'cogo_open_subscriptions', { transport: 'rest-sse' }) === 0 ? samples : undefined;
    });
    // The stream opens within the job's first steps: the later progress events and the end come live.
    expect((sampleValue(after, 'cogo_event_lag_seconds_count', { stream: 'job' }) ?? 0) - before).toBeGreaterThanOrEqual(3);
    expect(sampleValue(after, 'cogo_event_lag_seconds_bucket', { stream: 'job', le: '+Inf' })).toBe(
      sampleValue(after, 'cogo_event_lag_seconds_count', { stream: 'job' }),
    );
  });
});
