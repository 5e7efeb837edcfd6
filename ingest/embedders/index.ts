import { createLocalHashEmbedder } from './local-hash.js';
import { createOpenAICompatibleEmbedder } from './openai-compatible.js';
import { createPooledLocalHashEmbedder } from './pooled-local-hash.js';
import type { CpuPool } from '../../src/cpu/cpu-pool.js';
import type { Embedder } from '../../src/embeddings/types.js';

export type { EmbedOptions, Embedder } from '../../src/embeddings/types.js';
export { createLocalHashEmbedder, localHashVector, LOCAL_HASH_VERSION, type LocalHashEmbedderOptions } from './local-hash.js';
export {
  createOpenAICompatibleEmbedder,
  type EmbedderStats,
  type OpenAICompatibleEmbedder,
  type OpenAICompatibleEmbedderOptions,
} from './openai-compatible.js';

export interface EmbedderConfig {
  /** Set = an OpenAI-compatible endpoint; unset = the local hash embedder. */
  baseUrl?: string | undefined;
  apiKey?: string | undefined;
  model: string;
  /** Default 1024 (BGE-M3). */
  dimensions?: number;
}

/**
 * The embedder the configuration asks for (`Config['embeddings']` fits `EmbedderConfig`). With a CPU pool the
 * local embedder hashes on the pool's threads, off the event loop.
 */
export function createEmbedder(config: EmbedderConfig, cpu?: Pick<CpuPool, 'run'>): Embedder {
  const dimensions = config.dimensions ?? 1024;
  if (!config.baseUrl) return cpu ? createPooledLocalHashEmbedder(cpu, { dimensions }) : createLocalHashEmbedder({ dimensions });
  return createOpenAICompatibleEmbedder({
    baseUrl: config.baseUrl,
    model: config.model,
    dimensions,
    ...(config.apiKey ? { apiKey: config.apiKey } : {}),
  });
}
