import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BusEvent } from '../../src/events/event-types.js';
import { startFixtureWeb, type FixtureWeb } from '../support/fixture-web.js';
import { startResearchCorpus, type ResearchCorpus } from '../support/research-corpus.js';
import { createResearchWorkers, deleteTestEvidence, researchResult } from '../support/research-workers.js';
import { startPlatform, waitUntil, type Platform } from './support/platform.js';

type Item = { id: string; url: string; title: string; quote: string; score: number; duplicates?: { url: string; kind: string }[]; conflictsWith?: string[] };
type Result = {
  evidence: Item[];
  conflicts: { kind: string; ids: string[] }[];
  claims: { id: string; text: string; status: string; evidenceIds: string[] }[];
  failures: { target: string; code: string; refused: boolean; op: string }[];
  stats: {
    totals: Record<string, unknown> & { duplicates: { url: number; exact: number; near: number } };
    sources: Record<string, { calls: number; failures: number; refused: number }>;
  };
};
const resultOf = (events: BusEvent[]) => researchResult<Result>(events);

describe('research agent in worker processes', () => {
  let platform: Platform;
  let web: FixtureWeb;
  let corpus: ResearchCorpus;
  let workers: ReturnType<typeof createResearchWorkers>;
  let allow: string[];
  const prefixes = () => [web.url, corpus.url];

  beforeAll(async () => {
    [platform, web, corpus] = await Promise.all([startPlatform(), startFixtureWeb(), startResearchCorpus()]);
    workers = createResearchWorkers(platform);
    // The fixture's and the corpus's ports only: the fixture's second ("internal") server stays refused.
    allow = [`127.0.0.1:${web.port}`, `127.0.0.1:${corpus.port}`];
    await deleteTestEvidence(platform, prefixes());
  });
  afterEach(() => workers.stopAll());
  afterAll(async () => {
    if (platform) await deleteTestEvidence(platform, prefixes());
    await Promise.all([platform?.close(), web?.close(), corpus?.close()]);
  });

  const graphCount = async (cypher: string, params: Record<string, unknown>) => {
    const rows = await platform.runtime.driver.executeQuery(cypher, params, { database: platform.config.neo4j.database });
    return Number(rows.records[0]?.get('n'));
  };

  it('merges exact, URL and near-duplicates, streams partial batches before done, and stores ranked evidence', async () => {
    await workers.spawnResearchWorker(allow);
    const sources = [
      `${web.url}/article`,
      `${web.url}/article-copy`,
      `${web.url}/article-near`,
      `${web.url}/article?utm_source=news`,
      `${web.url}/redirect/chain/2`,
      `${corpus.url}/doc/1`,
      `${corpus.url}/doc/2`,
      `${corpus.url}/doc/3?hold=1`,
    ];
    const jobId = await workers.enqueue({ question: 'How predictable is tidal stream power?', sources });
    // The slow page is held until a first batch is out: partial evidence must not wait for the slowest source.
    await waitUntil(async () => (await workers.events(jobId)).some((e) => e.type === 'research.partial'), 30_000);
    const releasedAt = Date.now();
    corpus.release();
    const events = await workers.finished(jobId);
    const result = resultOf(events);
    expect(result).not.toBeNull();

    expect(result.failures).toEqual([]);
    // One article survives out of five spellings of it; the three corpus pages stay apart.
    expect(result.evidence).toHaveLength(4);
    const articles = result.evidence.filter((e) => e.url.startsWith(web.url));
    expect(articles).toHaveLength(1);
    // Which spelling is kept depends on which fetch lands first; the kept one plus those noted on it cover all
    // three distinct URLs (notes are listed once per URL: the chain ends at /article), and three fetches were merged
    // (counted per fetch, so two routes to one URL count twice whichever spelling was kept).
    const noted = articles[0]!.duplicates!.map((d) => d.url);
    expect([...new Set([articles[0]!.url, ...noted])].sort()).toEqual([`${web.url}/article`, `${web.url}/article-copy`, `${web.url}/article-near`].sort());
    expect(result.stats.totals.duplicates.url + result.stats.totals.duplicates.exact + result.stats.totals.duplicates.near).toBe(3);
    // `?utm_source` was the same page before any fetch: /article was fetched once directly, once at the end of the chain.
    expect(web.hits('/article')).toBe(2);
    expect(articles[0]!.quote).toMatch(/predictable/);

    const partials = events.filter((e) => e.type === 'research.partial');
    const done = events.find((e) => e.type === 'research.done')!;
    expect(partials.length).toBeGreaterThanOrEqual(2);
    expect(partials.every((p) => p.seq < done.seq)).toBe(true);
    expect(
      partials
        .flatMap((p) => p.data.items as Item[])
        .map((i) => i.id)
        .sort(),
    ).toEqual(result.evidence.map((e) => e.id).sort());
    // The first batch went out while the slow page was held; the job waited for that page before it was done.
    expect(corpus.hitTimes('/doc/3')[0]).toBeLessThan(releasedAt);
    expect(Date.parse(partials[0]!.ts)).toBeLessThanOrEqual(releasedAt);
    expect((partials[0]!.data.items as Item[]).some((i) => i.url.includes('/doc/3'))).toBe(false);
    expect(Date.parse(done.ts)).toBeGreaterThanOrEqual(releasedAt);
    expect(result.evidence.some((e) => e.url.includes('/doc/3'))).toBe(true);

    type Read = {
      id: string;
      url: string;
      quote: string;
      contentHash: string;
      retrievedAt: string;
      rank: number;
      score: number;
      sourceId: string;
      source: { id: string; kind: string; name: string };
    };
    const read = await platform.graphql<{ evidence: Read[] }>(
      'query($id: ID!) { evidence(jobId: $id) { id url quote contentHash retrievedAt rank score sourceId source { id kind name } } }',
      { id: jobId },
    );
    expect(read.errors).toBeUndefined();
    expect(read.data!.evidence.map((e) => e.id)).toEqual(result.evidence.map((e) => e.id));
    expect(read.data!.evidence.map((e) => e.score)).toEqual(result.evidence.map((e) => e.score));
    expect(
      read.data!.evidence.every((e) => !Number.isNaN(Date.parse(e.retrievedAt)) && e.sourceId === e.source.id && /^[0-9a-f]{64}$/.test(e.contentHash)),
    ).toBe(true);
    expect(read.data!.evidence.map((e) => e.rank)).toEqual([1, 2, 3, 4]);
    expect(read.data!.evidence.every((e) => e.source.kind === 'web' && e.source.name.startsWith('127.0.0.1:'))).toBe(true);
    const found = await platform.graphql<{ evidence: Array<{ id: string }> }>('{ evidence(query: "predictable tides grid planning") { id } }');
    expect(found.data!.evidence.map((e) => e.id)).toContain(articles[0]!.id);
    expect(await graphCount('MATCH (:Job {id: $id})-[:PRODUCED]->(e:Evidence)-[:FROM]->(:Source) RETURN count(e) AS n', { id: jobId })).toBe(4);
  });

  it('adds no nodes when the same job runs again, and marks contradicting numbers as a conflict', async () => {
    await workers.spawnResearchWorker(allow);
    const sources = [`${corpus.url}/doc/10`, `${corpus.url}/doc/11`, `${corpus.url}/doc/11/copy`, `${corpus.url}/claim/a`, `${corpus.url}/claim/b`];
    const jobId = await workers.enqueue({ question: 'How much electricity did the Pentland tidal array generate?', sources });
    const first = await workers.finished(jobId);
    const result = resultOf(first);
    expect(result.evidence).toHaveLength(4);
    const claims = result.evidence.filter((e) => e.url.includes('/claim/'));
    expect(result.conflicts).toEqual([expect.objectContaining({ kind: 'numbers', ids: expect.arrayContaining(claims.map((c) => c.id)) })]);
    expect(claims[0]!.conflictsWith).toEqual([claims[1]!.id]);
    // The statement both pages make is one Claim in the graph, disputed, supported by each with its own number.
    const disputed = result.claims.filter((c) => c.status === 'disputed');
    expect(disputed).toHaveLength(1);
    expect([...disputed[0]!.evidenceIds].sort()).toEqual(claims.map((c) => c.id).sort());
    const supports = await platform.runtime.driver.executeQuery(
      'MATCH (e:Evidence)-[r:SUPPORTS]->(c:Claim {id: $id}) WHERE e.id IN $ids RETURN c.status AS status, r.numbers AS numbers ORDER BY numbers',
      { id: disputed[0]!.id, ids: disputed[0]!.evidenceIds },
    );
    expect(supports.records.map((r) => [r.get('status'), r.get('numbers')])).toEqual([
      ['disputed', '2023 34'],
      ['disputed', '2023 43'],
    ]);
    type ClaimRead = { id: string; text: string; status: string; supporters: number; support: { evidenceId: string; says: string; numbers: string }[] };
    const read = await platform.graphql<{ claims: ClaimRead[] }>(
      'query($id: ID) { claims(jobId: $id, status: disputed) { id text status supporters support { evidenceId says numbers } } }',
      { id: jobId },
    );
    expect(read.errors).toBeUndefined();
    expect(read.data!.claims.map((c) => c.id)).toEqual([disputed[0]!.id]);
    const mine = read.data!.claims[0]!.support.filter((s) => disputed[0]!.evidenceIds.includes(s.evidenceId));
    expect(mine.map((s) => s.numbers)).toEqual(['2023 34', '2023 43']);
    expect(mine.every((s) => /Pentland array generated \d+ gigawatt hours/.test(s.says))).toBe(true);
    const tooMany = await platform.graphql('{ claims(first: 0) { id } }');
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_INPUT', via: 'research' });

    const counts = async () => ({
      evidence: await graphCount('MATCH (e:Evidence) WHERE e.url IN $urls RETURN count(e) AS n', { urls: sources }),
      sources: await graphCount('MATCH (s:Source) WHERE s.url STARTS WITH $p RETURN count(s) AS n', { p: corpus.url }),
      produced: await graphCount('MATCH (:Job {id: $id})-[r:PRODUCED]->() RETURN count(r) AS n', { id: jobId }),
      from: await graphCount('MATCH (e:Evidence)-[r:FROM]->() WHERE e.url IN $urls RETURN count(r) AS n', { urls: sources }),
      supports: await graphCount('MATCH (e:Evidence)-[r:SUPPORTS]->(:Claim) WHERE e.url IN $urls RETURN count(r) AS n', { urls: sources }),
    });
    const before = await counts();
    expect(before).toEqual({ evidence: 4, sources: 1, produced: 4, from: 4, supports: 2 });
    const doneSeq = first.find((e) => e.type === 'research.done')!.seq;

    const retried = await platform.graphql<{ retryJob: { status: string } }>('mutation($id: ID!) { retryJob(id: $id) { status } }', { id: jobId });
    expect(retried.errors).toBeUndefined();
    const second = resultOf(await workers.finished(jobId, 60_000, doneSeq));
    // It really ran again (the pages were fetched a second time); MERGE on content hashes made it a no-op.
    expect(corpus.hits('/doc/10')).toBe(2);
    expect(second.evidence.map((e) => e.id).sort()).toEqual(result.evidence.map((e) => e.id).sort());
    expect(await counts()).toEqual(before);
  });

  it('refuses SSRF targets, robots.txt-disallowed pages and file:// with clear codes, and still finishes with the rest', async () => {
    await workers.spawnResearchWorker(allow);
    const refused = {
      [`${web.secretUrl}/internal`]: 'FORBIDDEN',
      'http://169.254.169.254/latest/meta-data/': 'FORBIDDEN',
      [`${web.url}/redirect/loopback`]: 'FORBIDDEN',
      [`${web.url}/redirect/metadata`]: 'FORBIDDEN',
      'file:///etc/passwd': 'BAD_INPUT',
      [`${corpus.url}/private/notes`]: 'FORBIDDEN',
    };
    const jobId = await workers.enqueue({ question: 'tidal report', sources: [...Object.keys(refused), `${corpus.url}/doc/20`] });
    const events = await workers.finished(jobId);
    const result = resultOf(events);
    expect(result.evidence.map((e) => e.url)).toEqual([`${corpus.url}/doc/20`]);
    expect(Object.fromEntries(result.failures.map((f) => [f.target, f.code]))).toEqual(refused);
    expect(result.failures.every((f) => f.refused && f.op === 'fetch')).toBe(true);
    const logged = events.filter((e) => e.type === 'research.log' && e.data.kind === 'source.refused');
    expect(logged.map((e) => e.data.target).sort()).toEqual(Object.keys(refused).sort());
    expect(String(logged.find((e) => e.data.target === 'http://169.254.169.254/latest/meta-data/')?.data.message)).toMatch(/metadata/);
    // Nothing reached the internal server, not even through the redirect.
    expect(web.secretRequests).toHaveLength(0);
    expect(corpus.hits('/private/notes')).toBe(0);
  });

  it('fails the job (not retried) when every source is refused, naming the codes', async () => {
    await workers.spawnResearchWorker(allow);
    const jobId = await workers.enqueue({ question: 'secrets', sources: [`${web.secretUrl}/internal`, 'file:///etc/passwd', 'gopher.example'] });
    await workers.finished(jobId);
    const job = await waitUntil(async () => {
      const read = await platform.graphql<{ job: { status: string; attempts: number; error: { code: string; message: string; retryable: boolean } } }>(
        'query($id: ID!) { job(id: $id) { status attempts error { code message retryable } } }',
        { id: jobId },
      );
      return read.data?.job.status === 'failed' && read.data.job;
    });
    expect(job.attempts).toBe(1);
    // The most common refusal names the job's error; the message counts them all.
    expect(job.error).toMatchObject({ code: 'BAD_INPUT', retryable: false });
    expect(job.error.message).toContain('every source failed (BAD_INPUT ×2, FORBIDDEN ×1)');
    expect(web.secretRequests).toHaveLength(0);
  });
});
