import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICIES } from '../../agents/research/index.js';
import type { BusEvent } from '../../src/events/event-types.js';
import { startFixtureWeb, type FixtureWeb } from '../support/fixture-web.js';
import { startResearchCorpus, type ResearchCorpus } from '../support/research-corpus.js';
import { createResearchWorkers, deleteTestEvidence, researchResult } from '../support/research-workers.js';
import { startPlatform, waitUntil, type Platform } from './support/platform.js';
import { maxInWindow } from '../support/rate-window.js';

type Result = {
  evidence: { url: string }[];
  failures: { target: string; code: string; message: string }[];
  stats: {
    totals: { resumed: number };
    sources: Record<
      string,
      { calls: number; failures: number; retries: number; breaker: string; breakerOpened: boolean; latencyMs: { p50: number; p95: number } }
    >;
  };
};
const resultOf = (events: BusEvent[]) => researchResult<Result>(events);
const logsOf = (events: BusEvent[], kind: string) => events.filter((e) => e.type === 'research.log' && e.data.kind === kind);

describe('research source policies across worker processes', () => {
  let platform: Platform;
  let web: FixtureWeb;
  let corpus: ResearchCorpus;
  let workers: ReturnType<typeof createResearchWorkers>;
  let allow: string[];

  beforeAll(async () => {
    [platform, web, corpus] = await Promise.all([startPlatform(), startFixtureWeb(), startResearchCorpus()]);
    workers = createResearchWorkers(platform);
    allow = [`127.0.0.1:${web.port}`, `127.0.0.1:${corpus.port}`];
  });
  afterEach(() => workers.stopAll());
  afterAll(async () => {
    if (platform) await deleteTestEvidence(platform, [web.url, corpus.url]);
    await Promise.all([platform?.close(), web?.close(), corpus?.close()]);
  });

  it("keeps one host's request rate under its limit across two worker processes", async () => {
    const [a, b] = await Promise.all([workers.spawnResearchWorker(allow), workers.spawnResearchWorker(allow)]);
    corpus.reset();
    const jobs = await Promise.all(
      Array.from({ length: 8 }, (_, j) =>
        workers.enqueue({ question: `tidal report ${j}`, sources: [0, 1, 2, 3].map((k) => `${corpus.url}/doc/${100 + j * 4 + k}`) }),
      ),
    );
    const finished = await Promise.all(jobs.map((id) => workers.finished(id, 90_000)));
    expect(finished.map((events) => resultOf(events).evidence.length)).toEqual(jobs.map(() => 4));
    const owners = new Set(finished.map((events) => events.find((e) => e.type === 'meta' && e.data.phase === 'started')?.data.workerId));
    expect(owners).toEqual(new Set([a.id, b.id]));

    const { ratePerSec, burst } = DEFAULT_POLICIES.web;
    const times = corpus.hitTimes('/');
    expect(times.length).toBeGreaterThanOrEqual(32);
    // A shared bucket allows burst + rate·t (9 per second); two private buckets would allow twice that (16).
    // These are arrival times at the server, so allow a few more for requests that bunch up on the way (cold connections).
    expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(burst + ratePerSec + 3);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(((times.length - burst) / ratePerSec) * 1000 * 0.85);
  }, 120_000);

  it('resumes a job whose worker was SIGKILLed without refetching what it had stored', async () => {
    const [a, b] = await Promise.all([workers.spawnResearchWorker(allow), workers.spawnResearchWorker(allow)]);
    const fast = [200, 201, 202].map((i) => `/doc/${i}`);
    const slow = [203, 204, 205].map((i) => `/doc/${i}`);
    const jobId = await workers.enqueue({
      question: 'tidal turbine maintenance',
      sources: [...fast.map((p) => `${corpus.url}${p}`), ...slow.map((p) => `${corpus.url}${p}?ms=6000`)],
    });
    await waitUntil(async () => {
      const stored = (await workers.events(jobId)).filter((e) => e.type === 'research.partial').flatMap((e) => e.data.items as unknown[]);
      return stored.length >= 3;
    }, 20_000);
    const owner = (await workers.events(jobId)).find((e) => e.type === 'meta' && e.data.phase === 'started')!.data.workerId;
    const [victim, survivor] = owner === a.id ? [a, b] : [b, a];
    await victim.stop('SIGKILL');

    const events = await workers.finished(jobId, 60_000);
    const result = resultOf(events);
    expect(events.some((e) => e.type === 'meta' && e.data.phase === 'started' && e.data.workerId === survivor.id)).toBe(true);
    expect(result.evidence).toHaveLength(6);
    expect(result.stats.totals.resumed).toBe(3);
    expect(logsOf(events, 'research.resumed')).toHaveLength(1);
    // Stored pages were read back from the graph, not fetched again; the slow ones were in flight and are.
    for (const path of fast) expect(corpus.hits(path)).toBe(1);
    for (const path of slow) expect(corpus.hits(path)).toBeGreaterThanOrEqual(1);
  }, 90_000);

  it('retries failing calls with backoff, then opens the shared breaker and fails fast, reporting it as an event', async () => {
    await workers.spawnResearchWorker(allow);
    const failing = Array.from({ length: 12 }, (_, i) => `/status/503/breaker-${i}`);
    const jobId = await workers.enqueue({ question: 'tidal report', sources: [...failing.map((p) => `${web.url}${p}?fail=99`), `${corpus.url}/doc/300`] });
    const events = await workers.finished(jobId, 90_000);
    const result = resultOf(events);
    expect(result.evidence.map((e) => e.url)).toEqual([`${corpus.url}/doc/300`]);

    const retries = logsOf(events, 'source.retry');
    expect(retries.length).toBeGreaterThan(0);
    expect(retries.every((e) => e.data.code === 'UPSTREAM_UNAVAILABLE')).toBe(true);
    const opened = logsOf(events, 'source.breaker-open');
    expect(opened.length).toBeGreaterThanOrEqual(1);
    expect(opened[0]!.data).toMatchObject({ source: `web:127.0.0.1:${web.port}`, failures: DEFAULT_POLICIES.web.failureThreshold });

    // A call that started ran all its attempts; calls that started after the breaker opened never reached the server.
    const hits = failing.map((p) => web.hits(p));
    expect(hits.every((n) => n === 0 || n === DEFAULT_POLICIES.web.maxAttempts)).toBe(true);
    expect(hits.filter((n) => n === DEFAULT_POLICIES.web.maxAttempts).length).toBeGreaterThanOrEqual(DEFAULT_POLICIES.web.failureThreshold);
    expect(hits.filter((n) => n === 0).length).toBeGreaterThan(0);
    expect(result.failures.filter((f) => f.message.includes('circuit open'))).toHaveLength(hits.filter((n) => n === 0).length);
    expect(result.failures.every((f) => f.code === 'UPSTREAM_UNAVAILABLE')).toBe(true);

    const stats = result.stats.sources[`web:127.0.0.1:${web.port}`]!;
    expect(stats).toMatchObject({ calls: 12, failures: 12, breaker: 'open', breakerOpened: true });
    expect(stats.retries).toBe(retries.length);
    expect(stats.latencyMs.p95).toBeGreaterThanOrEqual(stats.latencyMs.p50);
    expect(result.stats.sources[`web:127.0.0.1:${corpus.port}`]).toMatchObject({ calls: 1, failures: 0, breaker: 'closed' });
  }, 120_000);
});
