/**
 * Retrieval quality benchmark (issue 14): a QA set written over real corpora — TypeScript declarations of
 * @types/node, the Markdown docs of fastify (both from node_modules) and Korean docs written for it
 * (bench/data/retrieval) — each answer a file and a line. For each embedder (the local models and feature hashing)
 * the three corpora are indexed through the indexing agent (files/s, chunks/s), then every question is asked of:
 * dense (vector top 10), lexical (COGO's BM25), fused (the retriever: RRF of both), fused + graph (the retriever with
 * the graph signal: chunks of the entities the question names as a third list), and, in the same run, a plain
 * BM25 baseline over 40-line windows of the same files (words split at non-letters, no code or Korean handling).
 * Recall@10 and MRR per question kind; hybrid search latency.
 */
import { cp, mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createIndexingProcessor } from '../agents/indexing/index.js';
import { createLocalHashEmbedder, createOnnxEmbedder, type Embedder } from '../ingest/embedders/index.js';
import { ensureEmbeddingModel } from '../src/bringup/embedding-model.js';
import { loadConfig } from '../src/config/index.js';
import { LOCAL_MODELS, type LocalModelName } from '../src/embeddings/local-models.js';
import { createIndexGraphWriter } from '../src/graph/index-graph-writer.js';
import { PROJECT_ROOT } from '../src/paths.js';
import { reciprocalRankFusion } from '../src/rag/fusion.js';
import { createEntityChunkFinder, createGraphExpander, createRetriever, entityNamesIn } from '../src/rag/index.js';
import { createIndexStateStore, createVectorStore, type StoredChunk } from '../src/vectors/index.js';
import type { BenchReport } from './run.js';
import { benchContext, openIndexingBench, percentile, round } from './support.js';

const DATA = path.join(PROJECT_ROOT, 'bench/data/retrieval');
const NODE_TYPES = [
  'fs.d.ts',
  'fs/promises.d.ts',
  'path.d.ts',
  'events.d.ts',
  'child_process.d.ts',
  'readline.d.ts',
  'os.d.ts',
  'timers.d.ts',
  'worker_threads.d.ts',
  'zlib.d.ts',
];
/** `BENCH_EMBEDDERS=bge-small-en-v1.5-q,hash` to measure fewer. */
const EMBEDDERS = (process.env.BENCH_EMBEDDERS ?? 'bge-small-en-v1.5-q,all-minilm-l6-v2-q,hash').split(',');
const K = 10;

interface Question {
  kind: 'api' | 'paraphrase' | 'korean' | 'mixed';
  corpus: 'node-types' | 'fastify-docs' | 'ko-docs';
  path: string;
  anchor: string;
  after?: string;
  q: string;
}
interface Answer extends Question {
  root: string;
  line: number;
}
type Hit = Pick<StoredChunk, 'root' | 'path' | 'startLine' | 'endLine'>;

/** The 1-based rank of the first hit holding the answer's line, or null. */
const rankOf = (answer: Answer, hits: readonly Hit[]) => {
  const index = hits.slice(0, K).findIndex((h) => h.root === answer.root && h.path === answer.path && h.startLine <= answer.line && answer.line <= h.endLine);
  return index < 0 ? null : index + 1;
};

function score(answers: readonly Answer[], ranks: readonly (number | null)[]) {
  const by = (keep: (a: Answer) => boolean) => {
    const picked = answers.map((a, i) => [a, ranks[i]] as const).filter(([a]) => keep(a));
    const n = picked.length || 1;
    return {
      n: picked.length,
      recallAt10: round(picked.filter(([, r]) => r !== null).length / n, 3),
      mrr: round(picked.reduce((sum, [, r]) => sum + (r ? 1 / r : 0), 0) / n, 3),
    };
  };
  return {
    all: by(() => true),
    api: by((a) => a.kind === 'api'),
    paraphrase: by((a) => a.kind === 'paraphrase'),
    korean: by((a) => a.kind === 'korean'),
    mixed: by((a) => a.kind === 'mixed'),
  };
}

/** The plain baseline: Okapi BM25 (k1 1.2, b 0.75) over 40-line windows (20-line stride), lowercased words. */
function plainBm25(files: { root: string; path: string; text: string }[]) {
  const words = (text: string) => (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => w.length > 1);
  const windows: (Hit & { tf: Map<string, number>; length: number })[] = [];
  for (const file of files) {
    const lines = file.text.split('\n');
    for (let start = 0; start < lines.length; start += 20) {
      const tf = new Map<string, number>();
      const tokens = words(lines.slice(start, start + 40).join('\n'));
      for (const w of tokens) tf.set(w, (tf.get(w) ?? 0) + 1);
      windows.push({ root: file.root, path: file.path, startLine: start + 1, endLine: Math.min(lines.length, start + 40), tf, length: tokens.length });
      if (start + 40 >= lines.length) break;
    }
  }
  const df = new Map<string, number>();
  for (const w of windows) for (const term of w.tf.keys()) df.set(term, (df.get(term) ?? 0) + 1);
  const avgdl = windows.reduce((s, w) => s + w.length, 0) / windows.length;
  return (query: string): Hit[] => {
    const terms = [...new Set(words(query))];
    return windows
      .map((w) => {
        let s = 0;
        for (const term of terms) {
          const tf = w.tf.get(term);
          if (!tf) continue;
          const d = df.get(term)!;
          s += (Math.log(1 + (windows.length - d + 0.5) / (d + 0.5)) * tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * w.length) / avgdl));
        }
        return { w, s };
      })
      .filter((x) => x.s > 0)
      .sort((a, b) => b.s - a.s)
      .slice(0, K)
      .map((x) => x.w);
  };
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

export default async function retrievalBench(): Promise<BenchReport> {
  const { config, id, sql, driver, redis, cpu, work, close } = await openIndexingBench('cogo-bench-retrieval');
  const tenants: string[] = [];
  const log = (line: string) => process.stdout.write(`[retrieval bench] ${line}\n`);
  try {
    // The corpora, copied so the roots are plain folders the indexer may read.
    const roots = { 'node-types': path.join(work, 'node-types'), 'fastify-docs': path.join(work, 'fastify-docs'), 'ko-docs': path.join(work, 'ko-docs') };
    for (const file of NODE_TYPES) {
      await mkdir(path.dirname(path.join(roots['node-types'], file)), { recursive: true });
      await cp(path.join(PROJECT_ROOT, 'node_modules/@types/node', file), path.join(roots['node-types'], file));
    }
    await cp(path.join(PROJECT_ROOT, 'node_modules/fastify/docs'), roots['fastify-docs'], { recursive: true, filter: (f) => !/\.(png|jpg|svg|gif)$/i.test(f) });
    await cp(path.join(DATA, 'ko-docs'), roots['ko-docs'], { recursive: true });
    const files = (
      await Promise.all(
        Object.values(roots).map(async (root) =>
          Promise.all((await filesUnder(root)).map(async (p) => ({ root, path: p, text: await readFile(path.join(root, p), 'utf8') }))),
        ),
      )
    ).flat();

    const questions = (JSON.parse(await readFile(path.join(DATA, 'questions.json'), 'utf8')) as { questions: Question[] }).questions;
    const answers: Answer[] = questions.map((question) => {
      const text = files.find((f) => f.root === roots[question.corpus] && f.path === question.path)?.text;
      if (text === undefined) throw new Error(`question "${question.q}": no file ${question.corpus}/${question.path}`);
      const lines = text.split('\n');
      const from = question.after ? lines.findIndex((l) => l.includes(question.after!)) : 0;
      const index = lines.findIndex((l, i) => i >= from && l.includes(question.anchor));
      if (index < 0) throw new Error(`question "${question.q}": "${question.anchor}" is not in ${question.path}`);
      return { ...question, root: roots[question.corpus], line: index + 1 };
    });

    const baseline = plainBm25(files);
    const baselineRanks = answers.map((a) => rankOf(a, baseline(a.q)));

    const results: Record<string, unknown> = {};
    let lexicalScores: ReturnType<typeof score> | undefined;
    for (const name of EMBEDDERS) {
      const embedder: Embedder =
        name === 'hash'
          ? createLocalHashEmbedder()
          : await (async () => {
              const modelConfig = loadConfig({ ...process.env, COGO_LOCAL_MODEL: name, COGO_LOCAL_EMBEDDER: 'model' });
              const step = await ensureEmbeddingModel(modelConfig, log);
              if (step.action === 'missing') throw new Error(step.detail);
              return createOnnxEmbedder(cpu, { model: LOCAL_MODELS[name as LocalModelName], modelsDir: modelConfig.embeddings.local.modelsDir });
            })();
      const tenant = `bench-retrieval-${id}-${name.replace(/[^a-z0-9]/g, '')}`;
      tenants.push(tenant);
      const vectors = createVectorStore({ sql });
      const indexer = createIndexingProcessor({
        allowedRoots: [work],
        embedder,
        vectors,
        state: createIndexStateStore(sql),
        graph: createIndexGraphWriter(driver, config.neo4j.database),
        redis,
        keyPrefix: `{bench-${id}}`,
        cpu,
      });
      log(`${embedder.id}: indexing ${files.length} files…`);
      const started = performance.now();
      let filesSeen = 0;
      let chunks = 0;
      for (const root of Object.values(roots)) {
        const result = (await indexer(benchContext({ root, mode: 'incremental', failOnFileError: true, prune: false }, tenant))) as Record<string, number>;
        filesSeen += result.seen!;
        chunks += result.chunksEmbedded!;
      }
      const indexMs = performance.now() - started;
      log(`${embedder.id}: ${chunks} chunks in ${Math.round(indexMs)} ms; asking ${answers.length} questions…`);

      const expand = createGraphExpander(driver, config.neo4j.database);
      const retriever = createRetriever({ vectors, embedder, expand });
      const withGraph = createRetriever({ vectors, embedder, expand, entities: createEntityChunkFinder(driver, config.neo4j.database) });
      const denseLists: StoredChunk[][] = [];
      // Per tenant: chunk row ids include the tenant, so fusion must pair lists of the same tenant.
      const lexicalLists: StoredChunk[][] = [];
      const fusedRanks: (number | null)[] = [];
      const latency: number[] = [];
      const graphRanks: (number | null)[] = [];
      // The graph lists alone, for the weight and tier variants below: declaring chunks only, and with mentions.
      const declaring = createEntityChunkFinder(driver, config.neo4j.database, { mentionsPerEntity: 0 });
      const declaringAndMentioning = createEntityChunkFinder(driver, config.neo4j.database);
      const graphLists: { declaring: string[]; mentioning: string[] }[] = [];
      const graphChunks = new Map<string, StoredChunk>();
      const graphLatency: number[] = [];
      for (const answer of answers) {
        const [vector] = await embedder.embed([answer.q]);
        denseLists.push(await vectors.vectorTopK({ tenant }, embedder.id, vector!, 30));
        lexicalLists.push(await vectors.lexicalTopK({ tenant }, answer.q, 30));
        const t = performance.now();
        const result = await retriever.search({ tenant, query: answer.q, k: K });
        latency.push(performance.now() - t);
        fusedRanks.push(rankOf(answer, result.items));
        const g = performance.now();
        const graphResult = await withGraph.search({ tenant, query: answer.q, k: K });
        graphLatency.push(performance.now() - g);
        graphRanks.push(rankOf(answer, graphResult.items));
        const names = entityNamesIn(answer.q);
        const lists = { declaring: await declaring({ tenant }, names), mentioning: await declaringAndMentioning({ tenant }, names) };
        graphLists.push(lists);
        const unread = [...lists.declaring, ...lists.mentioning].filter((id) => !graphChunks.has(id));
        for (const chunk of await vectors.chunksByIds(tenant, unread)) graphChunks.set(chunk.id, chunk);
      }
      lexicalScores ??= score(
        answers,
        answers.map((a, i) => rankOf(a, lexicalLists[i]!)),
      );
      // Fusion variants computed from the same two lists: RRF constants and a weight on the dense list.
      const byId = (lists: StoredChunk[][]) => lists.map((l) => new Map(l.map((c) => [c.id, c])));
      const denseById = byId(denseLists);
      const lexicalById = byId(lexicalLists);
      const fusion: Record<string, ReturnType<typeof score>> = {};
      for (const k of [10, 30, 60]) {
        for (const denseWeight of [0.5, 1, 1.5, 2]) {
          const ranks = answers.map((a, i) => {
            const fused = reciprocalRankFusion([denseLists[i]!.map((c) => c.id), lexicalLists[i]!.map((c) => c.id)], k, [denseWeight, 1]);
            const hits = fused.slice(0, K).map((f) => denseById[i]!.get(f.id) ?? lexicalById[i]!.get(f.id)!);
            return rankOf(a, hits);
          });
          fusion[`rrf k=${k} dense×${denseWeight}`] = score(answers, ranks);
        }
      }
      for (const tier of ['declaring', 'mentioning'] as const) {
        for (const graphWeight of [0.25, 0.5, 1]) {
          const ranks = answers.map((a, i) => {
            const fused = reciprocalRankFusion([denseLists[i]!.map((c) => c.id), lexicalLists[i]!.map((c) => c.id), graphLists[i]![tier]], 60, [
              1,
              1,
              graphWeight,
            ]);
            const hits = fused.slice(0, K).map((f) => denseById[i]!.get(f.id) ?? lexicalById[i]!.get(f.id) ?? graphChunks.get(f.id)!);
            return rankOf(a, hits);
          });
          fusion[`rrf k=60 + graph (${tier === 'declaring' ? 'declaring chunks' : 'declaring + mentioning'})×${graphWeight}`] = score(answers, ranks);
        }
      }
      results[embedder.id] = {
        index: {
          files: filesSeen,
          chunks,
          ms: Math.round(indexMs),
          filesPerSecond: round(filesSeen / (indexMs / 1000), 2),
          chunksPerSecond: round(chunks / (indexMs / 1000), 2),
        },
        dense: score(
          answers,
          answers.map((a, i) => rankOf(a, denseLists[i]!)),
        ),
        fused: score(answers, fusedRanks),
        fusedPlusGraph: score(answers, graphRanks),
        fusionVariants: fusion,
        hybridSearchMs: { p50: percentile(latency, 50), p95: percentile(latency, 95), chunks: await vectors.countChunks(tenant) },
        hybridPlusGraphSearchMs: { p50: percentile(graphLatency, 50), p95: percentile(graphLatency, 95) },
        graphChangedRank: answers
          .map((a, i) => ({ a, before: fusedRanks[i], after: graphRanks[i] }))
          .filter((x) => x.before !== x.after)
          .map((x) => `${x.a.kind}: ${x.a.q} → ${x.before ?? '-'} ⇒ ${x.after ?? '-'}`),
        misses: answers.filter((_, i) => fusedRanks[i] === null).map((a) => `${a.kind}: ${a.q} → ${a.corpus}/${a.path}:${a.line}`),
      };
    }

    const defaultId = Object.keys(results)[0]!;
    const chosen = results[defaultId] as { fused: ReturnType<typeof score>; hybridSearchMs: { p95: number } };
    const goal = (value: number, target: number, text: string) => ({ value, goal: text, met: value >= target });
    return {
      name: 'retrieval',
      goals: {
        recallAt10Overall: goal(chosen.fused.all.recallAt10, 0.85, '≥ 0.85'),
        recallAt10NamingTheApi: goal(chosen.fused.api.recallAt10, 0.97, '≥ 0.97'),
        recallAt10KoreanOverKorean: goal(chosen.fused.korean.recallAt10, 0.8, '≥ 0.80'),
      },
      defaultEmbedder: defaultId,
      questions: {
        total: answers.length,
        byKind: score(
          answers,
          answers.map(() => 1),
        ),
      },
      corpora: Object.fromEntries(Object.entries(roots).map(([name, root]) => [name, files.filter((f) => f.root === root).length])),
      baselinePlainBm25Windows: score(answers, baselineRanks),
      lexicalBm25: lexicalScores,
      embedders: results,
      answers: answers.map((a, i) => ({ kind: a.kind, q: a.q, answer: `${a.corpus}/${a.path}:${a.line}`, baselineRank: baselineRanks[i] })),
      notes:
        'hybrid latency is measured at this corpus size (a few thousand chunks), not at 100k chunks: see bench/results/indexing.json for the 100k-chunk run of the same search path',
    };
  } finally {
    await close(tenants);
  }
}
