import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLlmClient } from '../../src/llm/client.js';
import { DEFAULT_PRICES } from '../../src/config/llm.js';
import { createLogger } from '../../src/observability/logger.js';
import { withSpan } from '../../src/observability/tracing.js';
import { startOpenAiServer } from '../support/openai-server.js';
import { startOtlpCollector, type CollectedSpan, type OtlpCollector } from '../support/otlp-collector.js';
import { startPlatform, waitUntil, type Platform } from './support/platform.js';

/** The chain of spans from `span` up to its trace's root, across services. */
function ancestry(spans: CollectedSpan[], span: CollectedSpan): CollectedSpan[] {
  const chain = [span];
  for (let current = span; current.parentSpanId;) {
    const parent = spans.find((s) => s.spanId === current.parentSpanId && s.traceId === current.traceId);
    if (!parent) break;
    chain.push(parent);
    current = parent;
  }
  return chain;
}

describe('traces: one trace from the API request through the queue and a worker process into Neo4j, Redis, Postgres and model calls', () => {
  let collector: OtlpCollector;
  let platform: Platform;

  beforeAll(async () => {
    collector = await startOtlpCollector();
    platform = await startPlatform({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_SERVICE_NAME: 'cogo-api' });
    await platform.spawnWorker('traced-worker', { OTEL_SERVICE_NAME: 'cogo-worker' });
  });
  afterAll(async () => {
    await platform?.close();
    await collector?.close();
  });

  it('continues the caller traceparent into the enqueue, the worker run and its Neo4j and Redis calls', async () => {
    const headers = platform.headers();
    const traceId = headers.traceparent!.split('-')[1]!;
    const response = await fetch(`${platform.url}/graphql`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: 'mutation { enqueueExecute(input: {action: "script", params: {steps: 1}}) { jobId } }' }),
    });
    const { data } = (await response.json()) as { data: { enqueueExecute: { jobId: string } } };
    const jobId = data.enqueueExecute.jobId;
    const inTrace = () => collector.spans.filter((s) => s.traceId === traceId);
    // Each process exports in batches: wait until the worker's Neo4j span links up to the API's request span.
    const reachesRequest = (s: CollectedSpan) => ancestry(inTrace(), s).at(-1)?.name === 'POST /graphql';
    const workerNeo4j = await waitUntil(
      () => Promise.resolve(inTrace().find((s) => s.service === 'cogo-worker' && s.name === 'neo4j.query' && reachesRequest(s))),
      20_000,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}; spans: ${JSON.stringify(inTrace().map((s) => [s.service, s.name, s.spanId, s.parentSpanId]))}`);
    });
    const chain = ancestry(inTrace(), workerNeo4j).map((s) => `${s.service}:${s.name}`);
    // Worker side: the Neo4j write inside the run, the run inside BullMQ's process span; API side: the enqueue inside the request.
    expect(chain[0]).toBe('cogo-worker:neo4j.query');
    expect(chain).toContain('cogo-worker:job.run execute');
    expect(chain).toContain('cogo-api:job.enqueue');
    expect(chain.at(-1)).toBe('cogo-api:POST /graphql');
    // Redis: the API's enqueue commands and the worker's (the run's events) are client spans of the same trace.
    const redisChains = inTrace()
      .filter((s) => s.name === 'redis.command' && reachesRequest(s))
      .map((s) => ({ span: s, chain: ancestry(inTrace(), s).map((a) => `${a.service}:${a.name}`) }));
    const apiRedis = redisChains.find(({ span, chain }) => span.service === 'cogo-api' && chain.includes('cogo-api:job.enqueue'));
    const workerRedis = redisChains.find(({ span, chain }) => span.service === 'cogo-worker' && chain.includes('cogo-worker:job.run execute'));
    expect(apiRedis?.span.attributes).toMatchObject({ 'db.system.name': 'redis', 'server.port': 6379 });
    expect(workerRedis?.span.kind).toBe(3); // SPAN_KIND_CLIENT
    expect(workerRedis?.span.attributes['db.operation.name']).toMatch(/^[A-Z]+$/);
    const run = inTrace().find((s) => s.name === 'job.run execute')!;
    expect(run.attributes).toMatchObject({ 'cogo.job.id': jobId, 'cogo.job.type': 'execute', 'cogo.job.attempt': 1 });
    // The root continues the caller's span: its parent is the traceparent's span id.
    const root = inTrace().find((s) => s.name === 'POST /graphql')!;
    expect(root.parentSpanId).toBe(headers.traceparent!.split('-')[2]);
    // The trace id COGO records is the span's: the job's events carry it.
    const events = await platform.runtime.events.read({ kind: 'job', jobId });
    expect(new Set(events.map((e) => e.traceId))).toEqual(new Set([traceId]));
    expect(collector.rejected).toBe(0);
  });

  it('continues the caller traceparent into Postgres: a dashboard query reads bus_events inside the request span', async () => {
    const traceId = randomBytes(16).toString('hex');
    const response = await fetch(`${platform.url}/graphql`, {
      method: 'POST',
      headers: platform.headers({ traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` }),
      body: JSON.stringify({ query: '{ gateReport(hours: 1, buckets: 1) { gates { name } } }' }),
    });
    expect(((await response.json()) as { errors?: unknown }).errors).toBeUndefined();
    const inTrace = () => collector.spans.filter((s) => s.traceId === traceId);
    const sql = await waitUntil(() => Promise.resolve(inTrace().find((s) => s.name === 'sql.query' && s.service === 'cogo-api')), 10_000);
    expect(ancestry(inTrace(), sql).at(-1)?.name).toBe('POST /graphql');
    expect(sql.attributes['db.system.name']).toMatch(/^(postgresql|pglite)$/);
    // The statement's first line that is not a comment (gate-buckets.sql opens with several), parameters as $n.
    expect(inTrace().map((s) => s.attributes['db.query.summary'])).toContain('WITH ev AS (');
  });

  it('records a model call inside the span that made it, with its model, tier, tokens and cost', async () => {
    const models = await startOpenAiServer();
    try {
      models.script('mini-model', { content: 'COGO listens on port 4000.', usage: { prompt: 120, completion: 8 } });
      const endpoint = { baseUrl: models.url, apiKey: 'k' };
      const client = createLlmClient({
        tiers: { nano: { ...endpoint, model: 'nano-model' }, mini: { ...endpoint, model: 'mini-model' }, full: { ...endpoint, model: 'full-model' } },
        prices: DEFAULT_PRICES,
        timeoutMs: 10_000,
        maxRetries: 0,
      });
      const caller = await withSpan('orchestrate.compose', {}, async (span) => {
        await client.chat('mini', { messages: [{ role: 'user', content: 'Which port?' }] });
        return span.spanContext();
      });
      const call = await waitUntil(() => Promise.resolve(collector.spans.find((s) => s.traceId === caller.traceId && s.name === 'llm.chat')), 10_000);
      expect(call.parentSpanId).toBe(caller.spanId);
      expect(call.attributes).toMatchObject({
        'gen_ai.request.model': 'mini-model',
        'cogo.llm.tier': 'mini',
        'gen_ai.usage.input_tokens': 120,
        'gen_ai.usage.output_tokens': 8,
      });
      expect(call.attributes['cogo.llm.cost_usd']).toBeGreaterThan(0);
    } finally {
      await models.close();
    }
  });

  it('puts the trace and span ids of the active span on every log line', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
    const ids = await withSpan('log.test', {}, async (span) => {
      logger.info('inside');
      return span.spanContext();
    });
    logger.info('outside');
    expect(ids.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(lines[0]).toMatchObject({ msg: 'inside', traceId: ids.traceId, spanId: ids.spanId });
    expect(lines[1]!.msg).toBe('outside');
    expect(lines[1]!.traceId).toBeUndefined();
  });
});
