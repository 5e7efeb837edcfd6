import { access } from 'node:fs/promises';
import { createLocalHashEmbedder } from './local-hash.js';
import { createOnnxEmbedder } from './onnx-local.js';
import { createOpenAICompatibleEmbedder } from './openai-compatible.js';
import { createPooledLocalHashEmbedder } from './pooled-local-hash.js';
import type { CpuPool } from '../../src/cpu/cpu-pool.js';
import type { Embedder } from '../../src/embeddings/types.js';
import { LOCAL_MODELS, localModelFiles, type LocalModelName } from '../../src/embeddings/local-models.js';

export type { EmbedOptions, Embedder } from '../../src/embeddings/types.js';
export { createLocalHashEmbedder, localHashVector, LOCAL_HASH_VERSION, type LocalHashEmbedderOptions } from './local-hash.js';
export { createOnnxEmbedder, type OnnxEmbedderOptions } from './onnx-local.js';
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
  /** Without baseUrl: the local model (`startEmbedder`) or feature hashing; unset = feature hashing. */
  local?: { kind: 'model' | 'hash'; model: LocalModelName; modelsDir: string };
}

/**
 * The embedder a service runs with. Without an endpoint and with `local.kind = model`, the local ONNX model, once
 * it has embedded a probe text on the pool (files present, runtime loads, output sane). When it cannot start, the
 * feature-hashing embedder stands in and carries the reason, which every answer names (`src/rag/embedder-info.ts`).
 */
export async function startEmbedder(
  config: EmbedderConfig,
  cpu: Pick<CpuPool, 'run' | 'threads'>,
  onFallback: (reason: string) => void = () => {},
): Promise<Embedder> {
  if (config.baseUrl || config.local?.kind !== 'model') return createEmbedder(config, cpu);
  const model = LOCAL_MODELS[config.local.model];
  const files = localModelFiles(config.local.modelsDir, model);
  try {
    await Promise.all([access(files.onnx), access(files.tokenizer)]).catch(() => {
      throw new Error(`${files.onnx} or its tokenizer is missing: run \`npm run services\` (it extracts the model from Maven Central)`);
    });
    const embedder = createOnnxEmbedder(cpu, { model, modelsDir: config.local.modelsDir });
    const [probe] = await embedder.embed(['COGO embedding model check']);
    if (probe?.length !== model.dimensions || probe.some((x) => !Number.isFinite(x))) {
      throw new Error(`the model returned ${probe?.length ?? 0} values, expected ${model.dimensions} finite ones`);
    }
    return embedder;
  } catch (error) {
    const reason = `${model.name}: ${(error as Error).message}`;
    onFallback(reason);
    return { ...createEmbedder({ ...config, local: undefined }, cpu), fallbackReason: reason };
  }
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
