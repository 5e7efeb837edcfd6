import { readFileSync } from 'node:fs';
import { Tokenizer } from '@huggingface/tokenizers';
import * as ort from 'onnxruntime-node';

/** What a CPU-pool thread needs to embed texts with one local model (`src/embeddings/local-models.ts`). */
export interface OnnxEmbedInput {
  onnx: string;
  tokenizer: string;
  pooling: 'cls' | 'mean';
  dimensions: number;
  windowTokens: number;
  /** ONNX Runtime's own threads per session (intra-op). */
  threads: number;
  texts: string[];
}

interface LoadedModel {
  session: ort.InferenceSession;
  tokenizer: Tokenizer;
  cls: number;
  sep: number;
  /** Content tokens per window: the input's window, or less when the tokenizer itself truncates (MiniLM: 128). */
  window: number;
  /** True when the tokenizer truncates: then only the first window counts, as in the reference. */
  truncates: boolean;
}

interface TokenizerFile {
  truncation?: { max_length?: number } | null;
}

// One session per model per thread, loaded on the thread's first task and kept while the thread lives.
const loaded = new Map<string, Promise<LoadedModel>>();

function load(input: OnnxEmbedInput): Promise<LoadedModel> {
  let model = loaded.get(input.onnx);
  if (!model) {
    model = (async () => {
      const json = JSON.parse(readFileSync(input.tokenizer, 'utf8')) as TokenizerFile;
      const tokenizer = new Tokenizer(json as object, {});
      const [cls, sep] = tokenizer.encode('').ids;
      const limit = json.truncation?.max_length;
      const session = await ort.InferenceSession.create(input.onnx, {
        intraOpNumThreads: input.threads,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
      });
      const window = limit ? Math.min(input.windowTokens, limit - 2) : input.windowTokens;
      return { session, tokenizer, cls: cls!, sep: sep!, window, truncates: Boolean(limit) };
    })();
    model.catch(() => loaded.delete(input.onnx));
    loaded.set(input.onnx, model);
  }
  return model;
}

/**
 * Runs in a CPU-pool thread: the vectors of `texts`, packed row after row. Mirrors langchain4j's
 * `OnnxBertBiEncoder` (the reference the test compares with): a text longer than one window is cut into windows
 * that never split a word (no window starts with a `##` piece), each window is embedded as `[CLS] … [SEP]` and
 * pooled, the window vectors are averaged weighted by their token counts, then L2-normalized. A tokenizer that
 * truncates (its `tokenizer.json` says so) keeps only its first window, as the reference's tokenizer does.
 *
 * Each window runs alone, never padded into a batch: the models are dynamically quantized, so a batch's padding
 * would shift the quantization scale and a text's vector would depend on its neighbours in the batch (and the
 * content-hash reuse of vectors assumes the same text always gives the same vector).
 */
export async function embedOnnx(input: OnnxEmbedInput): Promise<Float32Array> {
  const model = await load(input);
  const packed = new Float32Array(input.texts.length * input.dimensions);
  const sum = new Float64Array(input.dimensions);
  for (const [index, text] of input.texts.entries()) {
    const { ids, tokens } = model.tokenizer.encode(text, { add_special_tokens: false });
    const windows = partition(tokens, model.window);
    sum.fill(0);
    for (const [from, to] of model.truncates ? windows.slice(0, 1) : windows) {
      const pooled = await runWindow(model, ids.slice(from, to), input);
      for (let d = 0; d < input.dimensions; d += 1) sum[d]! += pooled[d]! * (to - from);
    }
    let norm = 0;
    for (let d = 0; d < input.dimensions; d += 1) norm += sum[d]! ** 2;
    norm = Math.sqrt(norm) || 1;
    const offset = index * input.dimensions;
    for (let d = 0; d < input.dimensions; d += 1) packed[offset + d] = sum[d]! / norm;
  }
  return packed;
}

/** Window bounds over the content tokens, as langchain4j cuts them: at most `size` each, never before a `##` piece. */
export function partition(tokens: readonly string[], size: number): [number, number][] {
  if (tokens.length === 0) return [[0, 0]];
  const windows: [number, number][] = [];
  let from = 0;
  while (from < tokens.length) {
    let to = from + size;
    if (to >= tokens.length) to = tokens.length;
    else while (to > from + 1 && tokens[to]!.startsWith('##')) to -= 1;
    windows.push([from, to]);
    from = to;
  }
  return windows;
}

/** One `[CLS] window [SEP]` through the model, pooled to one vector (not yet normalized). */
async function runWindow(model: LoadedModel, window: readonly number[], input: OnnxEmbedInput): Promise<Float32Array> {
  const sequence = BigInt64Array.from([model.cls, ...window, model.sep], (id) => BigInt(id));
  const dims = [1, sequence.length];
  const feeds: Record<string, ort.Tensor> = {
    input_ids: new ort.Tensor('int64', sequence, dims),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(sequence.length).fill(1n), dims),
  };
  if (model.session.inputNames.includes('token_type_ids')) feeds.token_type_ids = new ort.Tensor('int64', new BigInt64Array(sequence.length), dims);
  const output = await model.session.run(feeds);
  const hidden = output[model.session.outputNames[0]!]!.data as Float32Array;
  const width = input.dimensions;
  if (input.pooling === 'cls') return hidden.slice(0, width);
  const pooled = new Float32Array(width);
  for (let position = 0; position < sequence.length; position += 1) {
    for (let d = 0; d < width; d += 1) pooled[d]! += hidden[position * width + d]!;
  }
  for (let d = 0; d < width; d += 1) pooled[d]! /= sequence.length;
  return pooled;
}
