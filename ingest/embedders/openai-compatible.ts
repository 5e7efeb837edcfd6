import pLimit from 'p-limit';
import { AppError, isAppError } from '../../src/errors.js';
import { errorFromNetwork, errorFromStatus } from '../../src/net/http-errors.js';
import { createDeadline } from '../../src/policies/deadline.js';
import { withRetry } from '../../src/policies/retry.js';
import { parseEmbeddingsResponse } from './embeddings-response.js';
import type { EmbedOptions, Embedder } from '../../src/embeddings/types.js';

export interface OpenAICompatibleEmbedderOptions {
  /** Up to and including the API version, e.g. `http://127.0.0.1:8080/v1`; `/embeddings` is appended. */
  baseUrl: string;
  apiKey?: string;
  /** Default `bge-m3`. */
  model?: string;
  /** What the index stores; any other length from the endpoint is refused. Default 1024. */
  dimensions?: number;
  /** Also send `dimensions` in the request, for models that can shorten their vectors. Default false. */
  requestDimensions?: boolean;
  /** Texts per request. Default 64. */
  batchSize?: number;
  /** Requests in flight. Default 4. */
  concurrency?: number;
  /** Retries per request after 429, 5xx, timeouts and network errors. Default 5. */
  maxRetries?: number;
  /** First backoff step; doubles per retry, with full jitter, up to `retryMaxMs`. Default 500. */
  retryBaseMs?: number;
  /** Longest wait between tries, also the cap on `Retry-After`. Default 30,000. */
  retryMaxMs?: number;
  /** Per request. Default 60,000. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface EmbedderStats {
  /** HTTP requests sent, retries included. */
  calls: number;
  retries: number;
  /** Texts embedded successfully. */
  texts: number;
  /** `embed` calls that ended in an error (aborts included). */
  failures: number;
}

export interface OpenAICompatibleEmbedder extends Embedder {
  stats(): EmbedderStats;
}

const VIA = 'embeddings';

/**
 * Embeddings from any OpenAI-compatible `POST /embeddings` endpoint (OpenAI, vLLM, TEI, Ollama, LiteLLM…),
 * over plain fetch so status codes and `Retry-After` are in our hands. Every failure is an AppError from the
 * same HTTP mapping and retry helper the research sources use (`src/net/http-errors.ts`, `src/policies/retry.ts`):
 * the endpoint down, slow or rate-limited after all retries → UPSTREAM_UNAVAILABLE, TIMEOUT or RATE_LIMITED,
 * retryable; a refusal (401/403 → FORBIDDEN, 400/422 → BAD_INPUT, …) or an unusable answer (wrong dimensions,
 * malformed body → UPSTREAM_UNAVAILABLE) is not retried, because asking again gets the same answer. An abort
 * rejects with the signal's reason.
 */
export function createOpenAICompatibleEmbedder(options: OpenAICompatibleEmbedderOptions): OpenAICompatibleEmbedder {
  const model = options.model ?? 'bge-m3';
  const dimensions = options.dimensions ?? 1024;
  const batchSize = Math.max(1, options.batchSize ?? 64);
  const maxRetries = Math.max(0, options.maxRetries ?? 5);
  const retryBaseMs = options.retryBaseMs ?? 500;
  const retryMaxMs = options.retryMaxMs ?? 30_000;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const fetchImpl = options.fetch ?? fetch;
  const url = `${options.baseUrl.replace(/\/+$/, '')}/embeddings`;
  const limit = pLimit(Math.max(1, options.concurrency ?? 4));
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  const stats: EmbedderStats = { calls: 0, retries: 0, texts: 0, failures: 0 };

  /** One HTTP request; every failure leaves as an AppError from the shared HTTP mapping (src/net/http-errors.ts). */
  const requestOnce = async (texts: string[], signal: AbortSignal): Promise<number[][]> => {
    signal.throwIfAborted();
    const body = { model, input: texts, encoding_format: 'float', ...(options.requestDimensions ? { dimensions } : {}) };
    stats.calls += 1;
    const deadline = createDeadline(signal, timeoutMs, 'embedding request', VIA);
    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(url, { method: 'POST', headers, body: JSON.stringify(body), signal: deadline.signal });
      text = await response.text();
    } catch (error) {
      const translated = deadline.translate(error);
      throw translated === error ? errorFromNetwork(error, { url, via: VIA }) : translated;
    }
    if (response.ok) return parseEmbeddingsResponse(text, texts.length, dimensions, model);
    throw errorFromStatus(response.status, { url, via: VIA, retryAfter: response.headers.get('retry-after'), body: text });
  };

  /** The shared retry helper: backoff with full jitter, Retry-After honored, only retryable errors retried. */
  const requestBatch = async (texts: string[], signal: AbortSignal): Promise<number[][]> => {
    let tries = 0;
    try {
      return await withRetry(
        () => {
          tries += 1;
          return requestOnce(texts, signal);
        },
        {
          maxAttempts: maxRetries + 1,
          baseDelayMs: retryBaseMs,
          maxDelayMs: retryMaxMs,
          signal,
          onRetry: () => void (stats.retries += 1),
        },
      );
    } catch (error) {
      throw signal.aborted ? signal.reason : exhausted(error, tries);
    }
  };

  return {
    id: `openai:${model}:${dimensions}`,
    dimensions,
    stats: () => ({ ...stats }),
    async embed(texts: string[], embedOptions: EmbedOptions = {}): Promise<number[][]> {
      if (texts.length === 0) return [];
      // One failed batch stops the others: their results could not be used anyway.
      const controller = new AbortController();
      const outer = embedOptions.signal;
      const forward = (): void => controller.abort(outer?.reason);
      if (outer?.aborted) forward();
      outer?.addEventListener('abort', forward, { once: true });
      try {
        const batches: string[][] = [];
        for (let i = 0; i < texts.length; i += batchSize) batches.push(texts.slice(i, i + batchSize));
        const results = await Promise.all(batches.map((batch) => limit(() => requestBatch(batch, controller.signal))));
        stats.texts += texts.length;
        return results.flat();
      } catch (error) {
        stats.failures += 1;
        if (!controller.signal.aborted) controller.abort(error);
        throw error;
      } finally {
        outer?.removeEventListener('abort', forward);
      }
    },
  };
}

/** After several tries, say so: the caller sees one error naming the endpoint, the count and the last answer. */
function exhausted(error: unknown, tries: number): unknown {
  if (!isAppError(error) || !error.retryable || tries < 2) return error;
  return new AppError(error.code, `embedding endpoint is still failing after ${tries} tries (${error.message})`, {
    via: VIA,
    retryable: true,
    details: { ...error.details, tries },
    cause: error,
  });
}
