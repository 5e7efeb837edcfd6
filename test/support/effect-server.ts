import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody, sendJson } from './http-exchange.js';

/** What the server does with one request, decided by the test: apply it, refuse it, or take part in a crash. */
export type Verdict =
  /** Apply the effect (once per key) and answer. */
  | 'apply'
  /** Drop the connection without applying: a crash before the call landed. */
  | 'drop'
  /** Apply the effect, then drop the connection: a crash between the call and the ledger write. */
  | 'apply-then-drop'
  /** Refuse with 422: a failure for good. */
  | 'reject';

export interface Effect {
  key: string;
  method: string;
  path: string;
  body: unknown;
  /** What the server answered the first time; a repeat of the key gets it again. */
  reply: { id: string };
  at: number;
}

export interface EffectServer {
  url: string;
  /** Host and port, for COGO_EXECUTE_ALLOW_HOSTS. */
  host: string;
  /** Effects applied, in order: one per Idempotency-Key, however often the key was sent. */
  applied: Effect[];
  /** Requests per Idempotency-Key (`(none)` for a request without one). */
  requests: Map<string, number>;
  /** Arrival times of every request, in ms. */
  arrivals: { path: string; at: number }[];
  /** Asked on each request's arrival, before anything is applied: the test may kill a worker or revoke a key here. */
  decide: (request: { method: string; path: string; key: string; body: unknown }) => Verdict | Promise<Verdict>;
  close(): Promise<void>;
}

/**
 * A real HTTP server that honours `Idempotency-Key` as payment APIs do: the first request with a key applies
 * the effect and stores the reply; a repeat gets the stored reply and applies nothing. It counts requests and
 * applications per key, so a test sees both what the agent sent and what took effect.
 */
export async function startEffectServer(): Promise<EffectServer> {
  const applied: Effect[] = [];
  const byKey = new Map<string, Effect>();
  const requests = new Map<string, number>();
  const arrivals: { path: string; at: number }[] = [];
  const server: EffectServer = {
    url: '',
    host: '',
    applied,
    requests,
    arrivals,
    decide: () => 'apply',
    close: () => new Promise((resolve) => http.close(() => resolve())),
  };
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const text = await readBody(request);
    const key = String(request.headers['idempotency-key'] ?? '(none)');
    const path = request.url ?? '/';
    const method = request.method ?? 'GET';
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // a plain-text body is kept as text
    }
    requests.set(key, (requests.get(key) ?? 0) + 1);
    arrivals.push({ path, at: Date.now() });
    const verdict = await server.decide({ method, path, key, body });
    if (verdict === 'drop') return void response.socket?.destroy();
    if (verdict === 'reject') return sendJson(response, 422, { error: 'rejected by the test' });
    let effect = byKey.get(key);
    if (!effect) {
      effect = { key, method, path, body, reply: { id: randomUUID() }, at: Date.now() };
      byKey.set(key, effect);
      applied.push(effect);
    }
    if (verdict === 'apply-then-drop') return void response.socket?.destroy();
    sendJson(response, 200, effect.reply);
  };
  const http = createServer((request, response) => void handle(request, response).catch(() => response.socket?.destroy()));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  server.host = `127.0.0.1:${port}`;
  server.url = `http://${server.host}`;
  return server;
}
