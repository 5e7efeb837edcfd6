import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { localHashVector } from '../../ingest/embedders/local-hash.js';
import { readBody, sendJson } from './http-exchange.js';

export interface EmbeddingsServerOptions {
  /** Length of every returned vector. Default 1024. */
  dimensions?: number;
  /** Answer 500 to the first N calls (counted after any rate-limited ones). */
  failFirst?: number;
  /** Answer 429 with `Retry-After` to the first N calls. */
  rateLimitFirst?: number;
  /** Seconds sent in `Retry-After`. Default 1. */
  retryAfterSeconds?: number;
  /** Wait this long before answering each call. */
  latencyMs?: number;
  /** List `data` last input first (indexes stay right), as servers may: clients must order by `index`. */
  reverseOrder?: boolean;
  /** When set, calls without `Authorization: Bearer <apiKey>` get 401. */
  apiKey?: string;
}

export interface ReceivedEmbeddingsRequest {
  input: string[];
  model: string;
}

export interface EmbeddingsServer {
  /** Base URL ending in `/v1`. */
  url: string;
  /** `POST /v1/embeddings` calls so far, failed ones included. */
  calls(): number;
  /** Every call answered with vectors, in arrival order. */
  requests: ReceivedEmbeddingsRequest[];
  close(): Promise<void>;
}

/**
 * A real OpenAI-compatible embeddings endpoint on 127.0.0.1 for tests: the stand-in DESIGN §1 allows for
 * paid model APIs. Vectors are the local hash embedder's, so similar texts get close vectors here too.
 */
export async function startEmbeddingsServer(options: EmbeddingsServerOptions = {}): Promise<EmbeddingsServer> {
  const dimensions = options.dimensions ?? 1024;
  const rateLimited = options.rateLimitFirst ?? 0;
  const failing = options.failFirst ?? 0;
  const requests: ReceivedEmbeddingsRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let calls = 0;
  let closing: Promise<void> | undefined;

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (request.method !== 'POST' || request.url?.split('?')[0] !== '/v1/embeddings') {
      return sendJson(response, 404, { error: { message: `no route ${request.method} ${request.url}` } });
    }
    calls += 1;
    const call = calls;
    const raw = await readBody(request);
    if (options.latencyMs) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, options.latencyMs);
        timers.add(timer);
      });
    }
    if (options.apiKey !== undefined && request.headers.authorization !== `Bearer ${options.apiKey}`) {
      return sendJson(response, 401, { error: { message: 'invalid api key', type: 'invalid_request_error' } });
    }
    if (call <= rateLimited) {
      response.setHeader('retry-after', String(options.retryAfterSeconds ?? 1));
      return sendJson(response, 429, { error: { message: 'rate limited', type: 'rate_limit_error' } });
    }
    if (call <= rateLimited + failing) return sendJson(response, 500, { error: { message: 'upstream exploded' } });

    let body: { input?: unknown; model?: unknown };
    try {
      body = JSON.parse(raw) as typeof body;
    } catch {
      return sendJson(response, 400, { error: { message: 'body is not JSON' } });
    }
    const input = typeof body.input === 'string' ? [body.input] : body.input;
    if (!Array.isArray(input) || !input.every((item) => typeof item === 'string')) {
      return sendJson(response, 400, { error: { message: '`input` must be a string or an array of strings' } });
    }
    const model = typeof body.model === 'string' ? body.model : 'unknown';
    requests.push({ input, model });
    const tokens = input.reduce((sum, text) => sum + Math.ceil(text.length / 4), 0);
    const data = input.map((text, index) => ({ object: 'embedding', index, embedding: localHashVector(text, dimensions) }));
    if (options.reverseOrder) data.reverse();
    return sendJson(response, 200, {
      object: 'list',
      data,
      model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => sendJson(response, 500, { error: { message: String(error) } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    calls: () => calls,
    requests,
    // Idempotent, so a test may close early (to make the endpoint unreachable) and afterEach close again.
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
