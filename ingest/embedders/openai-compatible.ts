import { setTimeout as sleep } from 'node:timers/promises';
import pLimit from 'p-limit';
import { AppError } from '../../src/errors.js';
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

interface Attempt {
  message: string;
  status?: number;
  retryAfterMs?: number;
  timedOut?: boolean;
}

const VIA = 'embeddings';

/**
 * Embeddings from any OpenAI-compatible `POST /embeddings` endpoint (OpenAI, vLLM, TEI, Ollama, LiteLLM…),
 * over plain fetch so status codes and `Retry-After` are in our hands. Every failure is an AppError:
 * the endpoint down, slow or rate-limited after all retries → UPSTREAM_UNAVAILABLE or TIMEOUT, retryable;
 * the endpoint answering something unusable (4xx, wrong dimensions, malformed body) → UPSTREAM_UNAVAILABLE,
 * not retryable, because asking again gets the same answer. An abort rejects with the signal's reason.
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

  const requestOnce = async (texts: string[], signal: AbortSignal): Promise<number[][] | Attempt> => {
    const body = { model, input: texts, encoding_format: 'float', ...(options.requestDimensions ? { dimensions } : {}) };
    stats.calls += 1;
    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(url, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
      });
      text = await response.text();
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      const timedOut = (error as Error | undefined)?.name === 'TimeoutError';
      return { message: timedOut ? `no answer within ${timeoutMs} ms` : describeNetworkError(error), timedOut };
    }
    if (response.ok) return parseEmbeddingsResponse(text, texts.length, dimensions, model);
    const status = response.status;
    const message = `HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ''}`;
    if (status === 429 || status === 408 || status >= 500) {
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      return retryAfterMs === undefined ? { message, status } : { message, status, retryAfterMs };
    }
    throw new AppError('UPSTREAM_UNAVAILABLE', `embedding endpoint refused the request (${message})`, {
      via: VIA,
      retryable: false,
      details: { status },
    });
  };

  const requestBatch = async (texts: string[], signal: AbortSignal): Promise<number[][]> => {
    for (let attempt = 0; ; attempt += 1) {
      signal.throwIfAborted();
      const outcome = await requestOnce(texts, signal);
      if (Array.isArray(outcome)) return outcome;
      if (attempt >= maxRetries) throw exhausted(outcome, attempt + 1);
      stats.retries += 1;
      const backoff = Math.random() * Math.min(retryMaxMs, retryBaseMs * 2 ** attempt);
      const wait = outcome.retryAfterMs === undefined ? backoff : Math.min(retryMaxMs, outcome.retryAfterMs);
      try {
        await sleep(wait, undefined, { signal });
      } catch {
        throw signal.reason;
      }
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

function exhausted(last: Attempt, tries: number): AppError {
  const what = last.status === 429 ? 'is still rate-limiting' : last.timedOut ? 'keeps timing out' : 'is unavailable';
  const message = `embedding endpoint ${what} after ${tries} tries (${last.message})`;
  return new AppError(last.timedOut ? 'TIMEOUT' : 'UPSTREAM_UNAVAILABLE', message, {
    via: VIA,
    retryable: true,
    details: { tries, ...(last.status === undefined ? {} : { status: last.status }) },
  });
}

/** `Retry-After` in seconds or as an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
