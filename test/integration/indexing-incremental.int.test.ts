import { appendFile, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chunkFile } from '../../ingest/chunkers/index.js';
import { embeddingText } from '../../ingest/chunk-types.js';
import { startWorkers } from '../../src/app.js';
import type { BusEvent } from '../../src/events/event-types.js';
import type { WorkerHost } from '../../src/queue/worker-host.js';
import { chunkTerms } from '../../src/vectors/lexical-terms.js';
import { startEmbeddingsServer, type EmbeddingsServer } from '../support/embeddings-server.js';
import { copyCorpus, countNodes, createScratchDatabase, removeGraphOf, terminalEvent } from '../support/indexing-fixtures.js';
import { startPlatform, waitUntil, type Platform } from './support/platform.js';

type Result = Record<string, number | string | boolean | unknown[]>;

describe('indexing agent: incremental indexing into pgvector and Neo4j (OpenAI-compatible embeddings)', () => {
  let platform: Platform;
  let worker: WorkerHost;
  let server: EmbeddingsServer;
  let db: Awaited<ReturnType<typeof createScratchDatabase>>;
  let corpus: Awaited<ReturnType<typeof copyCorpus>>;
  const database = () => platform.config.neo4j.database;
  const texts = () => server.requests.flatMap((r) => r.input);

  beforeAll(async () => {
    server = await startEmbeddingsServer();
    db = await createScratchDatabase();
    corpus = await copyCorpus();
    // Files the indexer must never read: secrets, and a link whose target is gone (reported, not fatal).
    await writeFile(path.join(corpus.root, '.env'), 'TIDEWATER_TOKEN=do-not-index-me\n');
    await writeFile(path.join(corpus.root, 'docs', 'server.pem'), '-----BEGIN PRIVATE KEY-----\nabc\n');
    await symlink(path.join(corpus.root, 'gone.md'), path.join(corpus.root, 'dangling.md'));
    platform = await startPlatform({ DATABASE_URL: db.url, EMBEDDINGS_BASE_URL: server.url });
    worker = await startWorkers(platform.runtime, ['indexing']);
  });
  afterAll(async () => {
    await worker?.close();
    if (platform) await removeGraphOf(platform.runtime.driver, database(), corpus.root);
    await platform?.close();
    await db?.drop();
    await corpus?.remove();
    await server?.close();
  });

  async function index(input: Record<string, unknown>): Promise<{ jobId: string; events: BusEvent[]; result: Result }> {
    const { data, errors } = await platform.graphql<{ enqueueIndexing: { jobId: string } }>(
      'mutation($input: IndexingInput!) { enqueueIndexing(input: $input) { jobId } }',
      { input },
    );
    if (errors) throw new Error(JSON.stringify(errors));
    const jobId = data!.enqueueIndexing.jobId;
    const events = await waitUntil(async () => {
      const list = await platform.runtime.events.read({ kind: 'job', jobId }, undefined, 5000);
      return terminalEvent(list) && list;
    }, 60_000);
    const done = terminalEvent(events)!;
    if (done.type !== 'indexing.done') throw new Error(`job ended with ${done.type}: ${JSON.stringify(done.data)}`);
    return { jobId, events, result: done.data.result as Result };
  }
  const chunkRows = async () =>
    (
      await platform.runtime.sql.query<{ id: string; document_path: string; start_line: number; embedder: string; content: string }>(
        'SELECT id, document_path, start_line, embedder, content FROM chunks WHERE root = $1 ORDER BY id',
        [corpus.root],
      )
    ).rows;
  /**
   * The BM25 side of the index after a run: each chunk's postings are `chunkTerms` of what is stored (the CPU pool
   * computed them), and the kept statistics (migration 010) are those of the stored postings and lengths.
   */
  async function expectLexicalIndexOfStoredChunks() {
    const { sql } = platform.runtime;
    const chunks = await sql.query<{ id: string; document_path: string; content: string; metadata: Record<string, unknown>; lex_length: number }>(
      'SELECT id, document_path, content, metadata, lex_length FROM chunks',
    );
    const postings = await sql.query<{ chunk_id: string; term: string; tf: number }>('SELECT chunk_id, term, tf FROM chunk_terms');
    const stored = new Map<string, Map<string, number>>();
    for (const p of postings.rows) stored.set(p.chunk_id, (stored.get(p.chunk_id) ?? new Map()).set(p.term, Number(p.tf)));
    for (const c of chunks.rows) {
      const expected = chunkTerms({ path: c.document_path, content: c.content, metadata: c.metadata });
      expect(stored.get(c.id) ?? new Map()).toEqual(expected.terms);
      expect(Number(c.lex_length)).toBe(expected.length);
    }
    const df = new Map<string, number>();
    for (const p of postings.rows) df.set(p.term, (df.get(p.term) ?? 0) + 1);
    const kept = await sql.query<{ term: string; df: number }>('SELECT term, df FROM lexical_term_stats');
    expect(new Map(kept.rows.map((r) => [r.term, Number(r.df)]))).toEqual(df);
    const corpusStats = await sql.query<{ chunks: number; total_length: number }>('SELECT chunks, total_length FROM lexical_corpus_stats');
    const totalLength = chunks.rows.reduce((sum, c) => sum + Number(c.lex_length), 0);
    expect(corpusStats.rows.map((r) => [Number(r.chunks), Number(r.total_length)])).toEqual([[chunks.rows.length, totalLength]]);
  }
  const graphCount = (statement: string) => countNodes(platform.runtime.driver, database(), statement, { root: corpus.root });

  it('indexes every file once: vectors, graph structure, report artifact; secrets skipped, a dangling link reported', async () => {
    const { jobId, events, result } = await index({ root: corpus.root });
    const rows = await chunkRows();
    expect(result).toMatchObject({ added: 6, updated: 0, skipped: 0, deleted: 0, failed: 1, embedder: 'openai:bge-m3:1024', localEmbedder: false });
    expect(result.chunksEmbedded).toBe(rows.length);
    // Every stored chunk was embedded exactly once, through the OpenAI-compatible endpoint.
    expect(texts()).toHaveLength(rows.length);
    expect(new Set(texts()).size).toBe(rows.length);
    expect(rows.every((r) => r.embedder === 'openai:bge-m3:1024')).toBe(true);
    expect(new Set(rows.map((r) => r.document_path))).toEqual(
      new Set(['README.md', 'docs/guide.md', 'notes.txt', 'src/ledger.ts', 'src/money.ts', 'src/report.ts']),
    );
    expect(texts().some((t) => t.includes('do-not-index-me') || t.includes('PRIVATE KEY'))).toBe(false);
    expect(result.failedFiles).toEqual([expect.objectContaining({ path: 'dangling.md', reason: 'unreadable' })]);

    expect(await graphCount('MATCH (d:Document {root: $root}) RETURN count(d) AS n')).toBe(6);
    expect(await graphCount('MATCH (:Document {root: $root})-[:HAS_CHUNK]->(c:Chunk) WHERE c.vectorRow = c.id RETURN count(c) AS n')).toBe(rows.length);
    expect(await graphCount('MATCH (n {root: $root}) WHERE n.tenant IS NULL RETURN count(n) AS n')).toBe(0);
    expect(await graphCount("MATCH (:Document {root: $root, path: 'src/report.ts'})-[:IMPORTS]->(d:Document) RETURN count(d) AS n")).toBe(2);
    expect(
      await graphCount(
        "MATCH (:Document {root: $root, path: 'src/ledger.ts'})-[:DEFINES]->(e:Entity {name: 'reconcileLedger', kind: 'function'}) RETURN count(e) AS n",
      ),
    ).toBe(1);
    // Cross-file: the report's chunk and the guide's prose both mention reconcileLedger, defined in ledger.ts.
    expect(
      await graphCount("MATCH (c:Chunk {root: $root})-[:MENTIONS]->(:Entity {name: 'reconcileLedger'}) RETURN count(DISTINCT c.path) AS n"),
    ).toBeGreaterThanOrEqual(3);
    const artifacts = await platform.graphql<{ job: { artifacts: { kind: string; json: string }[] } }>('query($id: ID!) { job(id: $id) { artifacts } }', {
      id: jobId,
    });
    const report = JSON.parse(artifacts.data!.job.artifacts.find((a) => a.kind === 'indexing-report')!.json) as {
      counts: Record<string, number>;
      failedFiles: unknown[];
    };
    expect(report.counts).toMatchObject({ added: 6, chunksEmbedded: rows.length });
    expect(report.failedFiles).toHaveLength(1);
    // The report is in the artifact store too (issue 11): the same JSON downloads by the artifact's id.
    const reportArtifact = artifacts.data!.job.artifacts.find((a) => a.kind === 'indexing-report') as unknown as { id: string; json: string };
    const download = await fetch(`${platform.url}/v1/artifacts/${reportArtifact.id}`, { headers: { authorization: platform.authorization } });
    expect(download.headers.get('content-type')).toBe('application/json');
    expect(await download.text()).toBe(reportArtifact.json);
    expect(events.filter((e) => e.type === 'indexing.progress').length).toBeGreaterThan(0);
  });

  it('fails the job after indexing the rest when asked to (failOnFileError), naming the failed file', async () => {
    const before = texts().length;
    const { data } = await platform.graphql<{ enqueueIndexing: { jobId: string } }>(
      'mutation($input: IndexingInput!) { enqueueIndexing(input: $input) { jobId } }',
      { input: { root: corpus.root, failOnFileError: true } },
    );
    const jobId = data!.enqueueIndexing.jobId;
    const job = await waitUntil(async () => {
      const read = await platform.graphql<{ job: { status: string; attempts: number; error: { code: string; message: string } } }>(
        'query($id: ID!) { job(id: $id) { status attempts error { code message } } }',
        { id: jobId },
      );
      return read.data?.job.status === 'failed' && read.data.job;
    }, 30_000);
    expect(job.attempts).toBe(1);
    expect(job.error.code).toBe('BAD_INPUT');
    expect(job.error.message).toContain('dangling.md');
    // Nothing changed since the first run: the failing run embedded nothing.
    expect(texts().length).toBe(before);
  });

  it('re-indexes with no change without embedding anything', async () => {
    const before = texts().length;
    const rowsBefore = await chunkRows();
    const { result } = await index({ root: corpus.root });
    expect(result).toMatchObject({ added: 0, updated: 0, deleted: 0, skipped: 6, chunksEmbedded: 0 });
    expect(texts().length).toBe(before);
    expect(await chunkRows()).toEqual(rowsBefore);
  });

  it('a touched file (new mtime, same bytes) is not re-chunked or embedded', async () => {
    const before = texts().length;
    const later = new Date(Date.now() + 60_000);
    await utimes(path.join(corpus.root, 'src/money.ts'), later, later);
    const { result } = await index({ root: corpus.root });
    expect(result).toMatchObject({ updated: 0, skipped: 6, chunksEmbedded: 0 });
    expect(texts().length).toBe(before);
  });

  it('an edited file: only its new chunks are embedded, chunks that moved keep their vectors, other files are untouched', async () => {
    const file = path.join(corpus.root, 'src/ledger.ts');
    const oldText = await readFile(file, 'utf8');
    const rowsBefore = await chunkRows();
    const before = texts().length;
    const prefix = '/** Ledger entries are immutable once cleared; corrections are new entries. */\nexport const LEDGER_VERSION = 2;\n\n';
    await writeFile(file, prefix + oldText);
    const { result } = await index({ root: corpus.root });
    const oldIds = new Set(chunkFile('src/ledger.ts', oldText).chunks.map((c) => embeddingText(c)));
    const expectedNew = chunkFile('src/ledger.ts', prefix + oldText)
      .chunks.map(embeddingText)
      .filter((t) => !oldIds.has(t));
    expect(result).toMatchObject({ updated: 1, added: 0, skipped: 5 });
    expect(texts().slice(before).sort()).toEqual(expectedNew.sort());
    expect(result.chunksEmbedded).toBe(expectedNew.length);
    const rowsAfter = await chunkRows();
    const others = (rows: typeof rowsAfter) => rows.filter((r) => r.document_path !== 'src/ledger.ts');
    expect(others(rowsAfter)).toEqual(others(rowsBefore));
    // The LedgerStore class kept its text, so its id and vector; only its lines moved down by three.
    const store = (rows: typeof rowsAfter) => rows.find((r) => r.content.includes('export class LedgerStore'))!;
    expect(store(rowsAfter).id).toBe(store(rowsBefore).id);
    expect(store(rowsAfter).start_line).toBe(store(rowsBefore).start_line + 3);
    expect(
      await graphCount("MATCH (:Document {root: $root, path: 'src/ledger.ts'})-[:DEFINES]->(e:Entity {name: 'LEDGER_VERSION'}) RETURN count(e) AS n"),
    ).toBe(1);
    await expectLexicalIndexOfStoredChunks();
  });

  it('a deleted file loses its chunks, its graph nodes and the entities only it defined', async () => {
    expect(await graphCount("MATCH (e:Entity {root: $root, name: 'monthlyReport'}) RETURN count(e) AS n")).toBe(1);
    await rm(path.join(corpus.root, 'src/report.ts'));
    const before = texts().length;
    const { result } = await index({ root: corpus.root });
    expect(result).toMatchObject({ deleted: 1, added: 0, updated: 0, chunksEmbedded: 0 });
    expect(texts().length).toBe(before);
    expect((await chunkRows()).some((r) => r.document_path === 'src/report.ts')).toBe(false);
    expect(await graphCount("MATCH (d:Document {root: $root, path: 'src/report.ts'}) RETURN count(d) AS n")).toBe(0);
    expect(await graphCount("MATCH (c:Chunk {root: $root, path: 'src/report.ts'}) RETURN count(c) AS n")).toBe(0);
    expect(await graphCount("MATCH (e:Entity {root: $root, name: 'monthlyReport'}) RETURN count(e) AS n")).toBe(0);
    const state = await platform.runtime.sql.query('SELECT path FROM index_state WHERE root = $1 AND path = $2', [corpus.root, 'src/report.ts']);
    expect(state.rows).toHaveLength(0);
    await expectLexicalIndexOfStoredChunks();
  });

  it("links an unchanged file's chunks to an entity defined later, and follows the entity when it moves", async () => {
    const mentionsFrom = (definedIn: string) =>
      graphCount(
        `MATCH (:Chunk {root: $root, path: 'src/audit.ts'})-[:MENTIONS]->(e:Entity {name: 'reconcileLedgerTotals'})<-[:DEFINES]-(d:Document {path: '${definedIn}'}) RETURN count(e) AS n`,
      );
    const fn = 'export function reconcileLedgerTotals(rows: number[]): number {\n  return rows.reduce((a, b) => a + b, 0);\n}\n';
    await writeFile(
      path.join(corpus.root, 'src/audit.ts'),
      'export function auditLedger(rows: number[]): number {\n  return reconcileLedgerTotals(rows);\n}\n',
    );
    await index({ root: corpus.root });
    expect(
      await graphCount("MATCH (:Chunk {root: $root, path: 'src/audit.ts'})-[:MENTIONS]->(e:Entity {name: 'reconcileLedgerTotals'}) RETURN count(e) AS n"),
    ).toBe(0);

    // Defined in another file: audit.ts is unchanged (not re-chunked), yet its chunk now mentions the entity.
    await writeFile(path.join(corpus.root, 'src/reconcile.ts'), fn);
    expect((await index({ root: corpus.root })).result).toMatchObject({ added: 1, updated: 0 });
    expect(await mentionsFrom('src/reconcile.ts')).toBe(1);

    // Moved: the old entity goes with its file, the link follows the new one.
    await rm(path.join(corpus.root, 'src/reconcile.ts'));
    await writeFile(path.join(corpus.root, 'src/totals.ts'), fn);
    expect((await index({ root: corpus.root })).result).toMatchObject({ added: 1, deleted: 1, updated: 0 });
    expect(await mentionsFrom('src/reconcile.ts')).toBe(0);
    expect(await mentionsFrom('src/totals.ts')).toBe(1);

    await Promise.all(['src/audit.ts', 'src/totals.ts'].map((f) => rm(path.join(corpus.root, f))));
    expect((await index({ root: corpus.root })).result).toMatchObject({ deleted: 2 });
  });

  it('mode full re-processes every file, reusing stored vectors instead of embedding them again', async () => {
    await appendFile(path.join(corpus.root, 'notes.txt'), '\nAction item: archive the spring statements.\n');
    const before = texts().length;
    const { result, jobId } = await index({ root: corpus.root, mode: 'full' });
    expect(result).toMatchObject({ mode: 'full', updated: 1, reprocessed: 4, added: 0, deleted: 0 });
    expect(result.chunksEmbedded).toBe(texts().length - before);
    expect(texts().length - before).toBeLessThanOrEqual(2);
    const runs = await platform.runtime.sql.query<{ job_id: string }>('SELECT DISTINCT job_id FROM index_state WHERE root = $1', [corpus.root]);
    expect(runs.rows.map((r) => r.job_id)).toEqual([`${jobId}/1`]);
  });
});
