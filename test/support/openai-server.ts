import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody, sendJson } from './http-exchange.js';

/** One scripted reply to one `POST /v1/chat/completions`. */
export type ScriptedReply =
  /** A completion with this text: streamed as SSE in `chunkSize`-character deltas when the request asks to stream. */
  | { content: string; chunkSize?: number; chunkDelayMs?: number; usage?: { prompt: number; completion: number } | null }
  /** A completion written from the request (e.g. citing the passage ids the prompt carries); `chunkDelayMs` paces a slow model. */
  | { compose: (request: ReceivedChat) => string; chunkSize?: number; chunkDelayMs?: number }
  /** An HTTP error, optionally with `Retry-After`. */
  | { status: number; retryAfter?: string; message?: string }
  /** Headers never come (a timeout before the first byte). */
  | { hang: true }
  /** A streamed reply that sends `chunks` deltas of `content` and then stalls (a timeout mid-stream). */
  | { content: string; stallAfterChunks: number; chunkSize?: number };

export interface ReceivedChat {
  model: string;
  stream: boolean;
  messages: { role: string; content: string }[];
  responseFormat: unknown;
  authorization: string | undefined;
}

export interface OpenAiServer {
  /** Base URL ending in `/v1`. */
  url: string;
  /** Adds replies for `model`, answered in order; a model with none left gets a 500 saying so. */
  script(model: string, ...replies: ScriptedReply[]): void;
  requests: ReceivedChat[];
  /** Calls per model, failed ones included. */
  calls(model: string): number;
  close(): Promise<void>;
}

/**
 * A real OpenAI-compatible chat endpoint on 127.0.0.1 for tests (the stand-in DESIGN §1 allows for paid model
 * APIs): scripted completions per model, SSE streaming like api.openai.com (`data: {chunk}` … `data: [DONE]`,
 * usage in the last chunk), 429 with Retry-After, 5xx, hangs and mid-stream stalls.
 */
export async function startOpenAiServer(): Promise<OpenAiServer> {
  const scripts = new Map<string, ScriptedReply[]>();
  const counts = new Map<string, number>();
  const requests: ReceivedChat[] = [];
  const open = new Set<ServerResponse>();
  let closing: Promise<void> | undefined;

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (request.method !== 'POST' || request.url?.split('?')[0] !== '/v1/chat/completions') {
      return sendJson(response, 404, { error: { message: `no route ${request.method} ${request.url}` } });
    }
    const body = JSON.parse(await readBody(request)) as { model: string; stream?: boolean; messages: ReceivedChat['messages']; response_format?: unknown };
    requests.push({
      model: body.model,
      stream: body.stream === true,
      messages: body.messages,
      responseFormat: body.response_format,
      authorization: request.headers.authorization,
    });
    counts.set(body.model, (counts.get(body.model) ?? 0) + 1);
    let reply = scripts.get(body.model)?.shift();
    if (!reply) return sendJson(response, 500, { error: { message: `no scripted reply left for model ${body.model}` } });
    if ('hang' in reply) {
      open.add(response);
      return;
    }
    if ('status' in reply) {
      if (reply.retryAfter !== undefined) response.setHeader('retry-after', reply.retryAfter);
      return sendJson(response, reply.status, { error: { message: reply.message ?? `scripted ${reply.status}`, type: 'server_error' } });
    }
    if ('compose' in reply)
      reply = {
        content: reply.compose(requests.at(-1)!),
        ...(reply.chunkSize ? { chunkSize: reply.chunkSize } : {}),
        ...(reply.chunkDelayMs ? { chunkDelayMs: reply.chunkDelayMs } : {}),
      };
    const id = `chatcmpl-${requests.length}`;
    const usage =
      'usage' in reply && reply.usage === null
        ? undefined
        : {
            prompt_tokens: ('usage' in reply && reply.usage?.prompt) || Math.ceil(JSON.stringify(body.messages).length / 4),
            completion_tokens: ('usage' in reply && reply.usage?.completion) || Math.ceil(reply.content.length / 4),
          };
    const withTotal = usage ? { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } : undefined;
    if (!body.stream) {
      return sendJson(response, 200, {
        id,
        object: 'chat.completion',
        created: 0,
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content: reply.content }, finish_reason: 'stop' }],
        ...(withTotal ? { usage: withTotal } : {}),
      });
    }
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const size = reply.chunkSize ?? 8;
    const pieces: string[] = [];
    for (let i = 0; i < reply.content.length; i += size) pieces.push(reply.content.slice(i, i + size));
    const chunk = (delta: Record<string, unknown>, finish: string | null, extra: Record<string, unknown> = {}) =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 0, model: body.model, choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`;
    response.write(chunk({ role: 'assistant', content: '' }, null));
    const stallAt = 'stallAfterChunks' in reply ? reply.stallAfterChunks : Infinity;
    for (const [n, piece] of pieces.entries()) {
      if (n >= stallAt) {
        open.add(response);
        return;
      }
      response.write(chunk({ content: piece }, null));
      // Separate writes so the client really sees several deltas, not one coalesced buffer.
      const pause = 'chunkDelayMs' in reply ? (reply.chunkDelayMs ?? 0) : 0;
      await new Promise((resolve) => (pause > 0 ? setTimeout(resolve, pause) : setImmediate(resolve)));
      // A client that went away (a killed worker) reads no more: stop writing to it.
      if (response.destroyed) return;
    }
    response.write(chunk({}, 'stop'));
    if (withTotal)
      response.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 0, model: body.model, choices: [], usage: withTotal })}\n\n`);
    response.end('data: [DONE]\n\n');
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => sendJson(response, 500, { error: { message: String(error) } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    script: (model, ...replies) => scripts.set(model, [...(scripts.get(model) ?? []), ...replies]),
    requests,
    calls: (model) => counts.get(model) ?? 0,
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        for (const response of open) response.destroy();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
