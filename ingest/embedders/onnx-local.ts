import { availableParallelism } from 'node:os';
import { cpuTask, type CpuPool } from '../../src/cpu/cpu-pool.js';
import type { EmbedOptions, Embedder } from '../../src/embeddings/types.js';
import { localModelEmbedderId, localModelFiles, type LocalModel } from '../../src/embeddings/local-models.js';
import type { OnnxEmbedInput, embedOnnx } from './onnx-task.js';

const EMBED = cpuTask<OnnxEmbedInput, Awaited<ReturnType<typeof embedOnnx>>>(new URL('./onnx-task.ts', import.meta.url).href, 'embedOnnx');
/**
 * Tasks per pool thread for one call: two keep every thread busy while one hands its result over, and few tasks
 * mean few abort listeners on the caller's signal (piscina adds one per task).
 */
const TASKS_PER_THREAD = 2;

export interface OnnxEmbedderOptions {
  model: LocalModel;
  /** Where `src/bringup/embedding-model.ts` extracted the model files: `<dataDir>/models`. */
  modelsDir: string;
  /** ONNX Runtime threads per pool thread; default: the cores the pool leaves unused, shared out (at least 1). */
  intraOpThreads?: number;
}

/**
 * A local embedding model (bge-small-en-v1.5 by default) run by ONNX Runtime on the CPU pool's threads, never on
 * the event loop. Its id names model, version and dimension (`onnx:bge-small-en-v1.5-q@1.11.0-beta19:384`), so
 * vectors of another model or version never share an index with these.
 */
export function createOnnxEmbedder(pool: Pick<CpuPool, 'run' | 'threads'>, options: OnnxEmbedderOptions): Embedder {
  const { model } = options;
  const files = localModelFiles(options.modelsDir, model);
  const threads = options.intraOpThreads ?? Math.max(1, Math.floor(availableParallelism() / Math.max(1, pool.threads)));
  return {
    id: localModelEmbedderId(model),
    dimensions: model.dimensions,
    async embed(texts: string[], embedOptions: EmbedOptions = {}): Promise<number[][]> {
      const size = Math.max(1, Math.ceil(texts.length / (Math.max(1, pool.threads) * TASKS_PER_THREAD)));
      const slices: string[][] = [];
      for (let i = 0; i < texts.length; i += size) slices.push(texts.slice(i, i + size));
      const packed = await Promise.all(
        slices.map((slice) =>
          pool.run(
            EMBED,
            {
              onnx: files.onnx,
              tokenizer: files.tokenizer,
              pooling: model.pooling,
              dimensions: model.dimensions,
              windowTokens: model.windowTokens,
              threads,
              texts: slice,
            },
            embedOptions.signal ? { signal: embedOptions.signal } : {},
          ),
        ),
      );
      const width = model.dimensions;
      return packed.flatMap((rows) => Array.from({ length: rows.length / width }, (_, r) => Array.from(rows.subarray(r * width, (r + 1) * width))));
    },
  };
}
