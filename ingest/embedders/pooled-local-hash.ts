import { cpuTask, type CpuPool } from '../../src/cpu/cpu-pool.js';
import { createLocalHashEmbedder } from './local-hash.js';
import type { embedLocalHash } from './local-hash-task.js';
import type { EmbedOptions, Embedder } from '../../src/embeddings/types.js';

const EMBED = cpuTask<Parameters<typeof embedLocalHash>[0], ReturnType<typeof embedLocalHash>>(
  new URL('./local-hash-task.ts', import.meta.url).href,
  'embedLocalHash',
);
/** Texts per thread task: big enough that the hand-over costs little, small enough to spread over the threads. */
const SLICE = 64;

/**
 * The local feature-hashing embedder with its hashing on the CPU pool: same id and vectors as
 * `createLocalHashEmbedder`, computed off the event loop, in parallel slices.
 */
export function createPooledLocalHashEmbedder(pool: Pick<CpuPool, 'run'>, options: { dimensions?: number } = {}): Embedder {
  const local = createLocalHashEmbedder(options);
  const { dimensions } = local;
  return {
    id: local.id,
    dimensions,
    async embed(texts: string[], embedOptions: EmbedOptions = {}): Promise<number[][]> {
      const slices: string[][] = [];
      for (let i = 0; i < texts.length; i += SLICE) slices.push(texts.slice(i, i + SLICE));
      const packed = await Promise.all(
        slices.map((slice) => pool.run(EMBED, { texts: slice, dimensions }, embedOptions.signal ? { signal: embedOptions.signal } : {})),
      );
      return packed.flatMap((rows) =>
        Array.from({ length: rows.length / dimensions }, (_, r) => Array.from(rows.subarray(r * dimensions, (r + 1) * dimensions))),
      );
    },
  };
}
