import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { localHashVector } from '../../ingest/embedders/index.js';
import { startWorkers } from '../../src/app.js';
import { runCypher } from '../../src/graph/driver.js';
import type { WorkerHost } from '../../src/queue/worker-host.js';
import {
  createEntityChunkFinder,
  createGraphExpander,
  createRetriever,
  type EmbedEvent,
  type RagEvent,
  type SearchItem,
  type SearchResult,
} from '../../src/rag/index.js';
import { copyCorpus, createScratchDatabase, FIXTURE_CORPUS, removeGraphOf, terminalEvent } from '../support/indexing-fixtures.js';
import { researchResult } from '../support/research-workers.js';
import { startPlatform, waitUntil, type Platform } from './support/platform.js';

const ITEM =
  'rank chunkId documentId root path startLine endLine kind context content evidence score { vectorRank vectorScore textRank textScore rrf } neighbors { relation id name kind definedIn }';
const SEARCH = `query($q: String!, $k: Int, $f: SearchFilters) { search(query: $q, k: $k, filters: $f) { query embedder localEmbedder embedderDescription tookMs timings items { ${ITEM} } } }`;

/** Where the known passage sits in the fixture: its section's first and last line, and the passage's own line. */
async function passageLines() {
  const lines = (await readFile(path.join(FIXTURE_CORPUS, 'docs/guide.md'), 'utf8')).split('\n');
  const heading = lines.indexOf('### Rotating the archive keys') + 1;
  const passage = lines.findIndex((l) => l.startsWith('The vault rotates its archive keys every ninety days')) + 1;
  const last = lines.findIndex((l) => l.startsWith('signing. Operators trigger an early rotation')) + 1;
  return { heading, passage, last };
}

describe('hybrid GraphRAG retrieval over an indexed corpus (local embedder)', () => {
  let platform: Platform;
  let worker: WorkerHost;
  let db: Awaited<ReturnType<typeof createScratchDatabase>>;
  let corpus: Awaited<ReturnType<typeof copyCorpus>>;
  const database = () => platform.config.neo4j.database;

  beforeAll(async () => {
    db = await createScratchDatabase();
    corpus = await copyCorpus();
    platform = await startPlatform({ DATABASE_URL: db.url });
    worker = await startWorkers(platform.runtime, ['indexing', 'research']);
    const { data } = await platform.graphql<{ enqueueIndexing: { jobId: string } }>(
      'mutation($root: String!) { enqueueIndexing(input: {root: $root}) { jobId } }',
      { root: corpus.root },
    );
    const jobId = data!.enqueueIndexing.jobId;
    const done = await waitUntil(async () => terminalEvent(await platform.runtime.events.read({ kind: 'job', jobId })), 60_000);
    expect(done.type).toBe('indexing.done');
  });
  const researchJobs: string[] = [];
  afterAll(async () => {
    await worker?.close();
    await runCypher(platform.runtime.driver, database(), 'MATCH (j:Job)-[:PRODUCED]->(e:Evidence) WHERE j.id IN $ids DETACH DELETE e', { ids: researchJobs });
    await runCypher(platform.runtime.driver, database(), 'MATCH (e:Evidence) WHERE e.id STARTS WITH $prefix DETACH DELETE e', {
      prefix: `ev-test-${path.basename(path.dirname(corpus.root))}`,
    });
    await removeGraphOf(platform.runtime.driver, database(), corpus.root);
    await platform?.close();
    await db?.drop();
    await corpus?.remove();
  });

  async function search(q: string, k = 5, f?: Record<string, unknown>): Promise<SearchResult> {
    const { data, errors } = await platform.graphql<{ search: SearchResult }>(SEARCH, { q, k, f });
    if (errors) throw new Error(JSON.stringify(errors));
    return data!.search;
  }

  it('finds a known passage by its own words and returns its path and line range, naming the local embedder', async () => {
    const { heading, passage, last } = await passageLines();
    const result = await search('vault rotates archive keys every ninety days');
    const top = result.items[0]!;
    expect(top).toMatchObject({ rank: 1, root: corpus.root, path: 'docs/guide.md', kind: 'markdown-section', startLine: heading, endLine: last });
    expect(top.startLine).toBeLessThanOrEqual(passage);
    expect(top.context).toBe('Operations guide > Archive vault > Rotating the archive keys');
    expect(top.content).toContain('keeps the previous key for verification only');
    expect(top.score).toMatchObject({ vectorRank: 1, textRank: 1 });
    expect(top.score.rrf).toBeCloseTo(2 / 61, 6);
    expect(top.score.vectorScore).toBeGreaterThan(0.2);
    expect(result).toMatchObject({ embedder: 'local-hash-v1:1024', localEmbedder: true });
    expect(result.embedderDescription).toMatch(/local feature-hashing embedder/);
  });

  it('expands hits one hop in the graph: what a code chunk defines, imports and is imported by; where mentioned entities live', async () => {
    const result = await search('reconcileLedger marks entries cleared when a statement line matches', 8);
    const ledger = result.items.find((i) => i.path === 'src/ledger.ts' && i.content.includes('export function reconcileLedger'))!;
    expect(ledger).toBeDefined();
    const names = (item: SearchItem, relation: string) =>
      item.neighbors
        .filter((n) => n.relation === relation)
        .map((n) => n.name)
        .sort();
    expect(names(ledger, 'DEFINES')).toEqual(expect.arrayContaining(['LedgerStore', 'reconcileLedger', 'LedgerEntry']));
    expect(names(ledger, 'IMPORTS')).toEqual(['src/money.ts']);
    expect(names(ledger, 'IMPORTED_BY')).toEqual(['src/report.ts']);
    expect(ledger.documentId).toMatch(/^doc_/);
    const guide = result.items.find((i) => i.path === 'docs/guide.md')!;
    expect(guide.neighbors.find((n) => n.relation === 'MENTIONS' && n.name === 'reconcileLedger')).toMatchObject({
      kind: 'function',
      definedIn: ['src/ledger.ts'],
    });
  });

  describe('filters', () => {
    it('path prefixes and kinds narrow both retrievers', async () => {
      const docs = await search('ledger amounts in integer cents', 10, { pathPrefixes: ['docs/'] });
      expect(docs.items.length).toBeGreaterThan(0);
      expect(docs.items.every((i) => i.path.startsWith('docs/'))).toBe(true);
      const code = await search('ledger amounts in integer cents', 10, { kinds: ['code-declaration'] });
      expect(code.items.length).toBeGreaterThan(0);
      expect(code.items.every((i) => i.kind === 'code-declaration')).toBe(true);
    });

    it('a root filter finds only that root; another root finds nothing', async () => {
      expect((await search('archive vault', 3, { roots: [corpus.root] })).items.length).toBeGreaterThan(0);
      expect((await search('archive vault', 3, { roots: [path.dirname(corpus.root)] })).items).toEqual([]);
    });

    it('without expansion the hits come back bare', async () => {
      const bare = await search('archive vault', 3, { expand: false });
      expect(bare.items[0]!.neighbors).toEqual([]);
      expect(bare.items[0]!.documentId).toBeNull();
    });
  });

  it('another tenant sees nothing of this tenant’s index', async () => {
    const retriever = createRetriever({
      vectors: platform.runtime.vectors,
      embedder: platform.runtime.embedder,
      expand: createGraphExpander(platform.runtime.driver, database()),
    });
    expect((await retriever.search({ tenant: platform.tenant, query: 'archive vault' })).items.length).toBeGreaterThan(0);
    expect((await retriever.search({ tenant: 'someone-else', query: 'archive vault' })).items).toEqual([]);
  });

  it('the graph signal promotes the chunk that declares an entity the question names', async () => {
    const deps = { vectors: platform.runtime.vectors, embedder: platform.runtime.embedder, expand: createGraphExpander(platform.runtime.driver, database()) };
    const entities = createEntityChunkFinder(platform.runtime.driver, database());
    const declares = (item: SearchItem) => item.path === 'src/money.ts' && item.content.includes('export function formatCents');
    // The declaring chunk first, from the graph alone; nothing for a name no file defines.
    const [first] = await platform.runtime.vectors.chunksByIds(platform.tenant, (await entities({ tenant: platform.tenant }, ['formatCents'])).slice(0, 1));
    expect(first?.path).toBe('src/money.ts');
    expect(first?.content).toContain('export function formatCents');
    expect(await entities({ tenant: platform.tenant }, ['noSuchEntity'])).toEqual([]);
    expect(await entities({ tenant: 'someone-else' }, ['formatCents'])).toEqual([]);

    // Asked in words that fit the ledger better, the question names formatCents: the graph list lifts its chunk.
    const query = { tenant: platform.tenant, query: 'ledger statement report lines shown with formatCents', k: 10, filters: { expand: false } };
    const without = (await createRetriever(deps).search(query)).items;
    const withGraph = (await createRetriever({ ...deps, entities }).search(query)).items;
    const before = without.find(declares);
    const after = withGraph.find(declares)!;
    expect(after.score.rrf).toBeGreaterThan(before?.score.rrf ?? 0);
    expect(after.rank).toBeLessThanOrEqual(before?.rank ?? Infinity);
  });

  it('returns evidence linked to a hit’s document, of the caller’s tenant only', async () => {
    const prefix = `ev-test-${path.basename(path.dirname(corpus.root))}`;
    await runCypher(
      platform.runtime.driver,
      database(),
      `
      MATCH (d:Document {root: $root, path: 'docs/guide.md'})
      CREATE (:Evidence {id: $prefix + '-mine', tenant: $tenant, kind: 'web', title: 'Key rotation policy', quote: 'rotate every 90 days'})-[:ABOUT]->(d)
      CREATE (:Evidence {id: $prefix + '-theirs', tenant: 'other', kind: 'web', title: 'Not yours', quote: 'hidden'})-[:ABOUT]->(d)`,
      { root: corpus.root, prefix, tenant: platform.tenant },
    );
    const top = (await search('vault rotates archive keys every ninety days', 1)).items[0]!;
    expect(top.evidence).toEqual([expect.objectContaining({ id: `${prefix}-mine`, title: 'Key rotation policy' })]);
  });

  it('offers the indexed passages to research through the graph source, with path and lines, and reads one back by hint', async () => {
    const { passage } = await passageLines();
    const research = async (question: string, sources: string[]) => {
      const { data, errors } = await platform.graphql<{ enqueueResearch: { jobId: string } }>(
        'mutation($q: String!, $s: [String!]) { enqueueResearch(input: {question: $q, sources: $s}) { jobId } }',
        { q: question, s: sources },
      );
      if (errors) throw new Error(JSON.stringify(errors));
      const jobId = data!.enqueueResearch.jobId;
      researchJobs.push(jobId);
      const events = await waitUntil(async () => {
        const list = await platform.runtime.events.read({ kind: 'job', jobId });
        return list.some((e) => ['research.done', 'job.dead', 'job.cancelled'].includes(e.type)) && list;
      }, 30_000);
      return researchResult<{ evidence: { url: string; title: string; quote: string; kind: string }[] }>(events).evidence;
    };
    const found = await research('How often does the vault rotate its archive keys?', ['graph']);
    const hit = found.find((e) => e.url.startsWith('graph://chunk/') && e.title.startsWith('docs/guide.md:'));
    expect(hit?.kind).toBe('graph');
    const [, start, end] = /:(\d+)-(\d+)$/.exec(hit!.title)!.map(Number);
    expect(start! <= passage && passage <= end!).toBe(true);
    expect(hit!.quote).toMatch(/rotat/i);

    const again = await research('archive key rotation', [hit!.url]);
    expect(again.map((e) => [e.url, e.title])).toEqual([[hit!.url, hit!.title]]);
  });

  it('refuses an empty query and an out-of-range k with BAD_INPUT', async () => {
    for (const [q, k] of [
      ['   ', 5],
      ['vault', 0],
      ['vault', 101],
    ] as const) {
      const { errors } = await platform.graphql(SEARCH, { q, k });
      expect(errors?.[0]?.extensions.code).toBe('BAD_INPUT');
    }
  });

  it('the rag subscription streams the same items as rag.item events, then rag.done', async () => {
    const expected = await search('archive vault keys', 4);
    const client = createWsClient({
      url: `${platform.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: platform.authorization },
    });
    const seen: RagEvent[] = [];
    try {
      const query = `subscription($q: String!) { rag(query: $q, k: 4) { type seq item { ${ITEM} } done { count embedder localEmbedder tookMs } } }`;
      for await (const message of client.iterate<{ rag: RagEvent }>({ query, variables: { q: 'archive vault keys' } })) {
        if (message.errors) throw new Error(JSON.stringify(message.errors));
        seen.push(message.data!.rag);
      }
    } finally {
      await client.dispose();
    }
    expect(seen.map((e) => e.type)).toEqual(['rag.item', 'rag.item', 'rag.item', 'rag.item', 'rag.done']);
    expect(seen.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(seen.slice(0, 4).map((e) => e.item!.chunkId)).toEqual(expected.items.map((i) => i.chunkId));
    expect(seen[0]!.item!.neighbors).toEqual(expected.items[0]!.neighbors);
    expect(seen[4]!.done).toMatchObject({ count: 4, embedder: 'local-hash-v1:1024', localEmbedder: true });
  });

  describe('embed', () => {
    it('the mutation returns one vector per text, from the embedder the index uses', async () => {
      const { data } = await platform.graphql<{ embed: { embedder: string; localEmbedder: boolean; dimensions: number; count: number; vectors: number[][] } }>(
        'mutation($t: [String!]!) { embed(texts: $t) { embedder localEmbedder dimensions count vectors } }',
        { t: ['archive vault', 'integer cents'] },
      );
      expect(data!.embed).toMatchObject({ embedder: 'local-hash-v1:1024', localEmbedder: true, dimensions: 1024, count: 2 });
      expect(data!.embed.vectors[1]![7]).toBeCloseTo(localHashVector('integer cents', 1024)[7]!, 6);
    });

    it('refuses an empty list (BAD_INPUT) and more texts than one response should carry (PAYLOAD_TOO_LARGE)', async () => {
      const mutation = 'mutation($t: [String!]!) { embed(texts: $t) { count } }';
      expect((await platform.graphql(mutation, { t: [] })).errors?.[0]?.extensions.code).toBe('BAD_INPUT');
      expect((await platform.graphql(mutation, { t: Array.from({ length: 257 }, (_, i) => `t${i}`) })).errors?.[0]?.extensions.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('the subscription streams embed.chunk per batch with offsets, then embed.done (graphql-sse)', async () => {
      const client = createSseClient({ url: `${platform.url}/graphql/stream`, retryAttempts: 0, headers: { authorization: platform.authorization } });
      const seen: EmbedEvent[] = [];
      try {
        const query = 'subscription($t: [String!]!) { embed(texts: $t, batchSize: 2) { type seq offset count vectors embedder } }';
        for await (const message of client.iterate<{ embed: EmbedEvent }>({ query, variables: { t: ['a1', 'b2', 'c3', 'd4', 'e5'] } })) {
          seen.push(message.data!.embed);
        }
      } finally {
        client.dispose();
      }
      expect(seen.map((e) => [e.type, e.offset, e.count, e.vectors.length])).toEqual([
        ['embed.chunk', 0, 2, 2],
        ['embed.chunk', 2, 2, 2],
        ['embed.chunk', 4, 1, 1],
        ['embed.done', 5, 5, 0],
      ]);
      expect(seen[2]!.vectors[0]![3]).toBeCloseTo(localHashVector('e5', 1024)[3]!, 6);
    });
  });
});
