import { z } from 'zod';
import { defineAction } from '../action.js';
import type { HttpCaller } from '../http-call.js';
import { valueAt } from '../refs.js';

const request = z
  .object({
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
    url: z.string().min(1).max(2048),
    headers: z.record(z.string().regex(/^[A-Za-z0-9-]{1,100}$/), z.string().max(4096)).optional(),
    body: z.unknown().optional(),
  })
  .strict();

const input = request.extend({
  /**
   * The request that undoes this one, sent if a later step fails for good. `{output.<path>}` in its URL is replaced
   * by that path of this step's output (`{output.body.id}`), so it can name what the first request created.
   */
  compensate: request.optional(),
});

type Input = z.infer<typeof input>;
type Output = { status: number; body: unknown };

/** One HTTP request to an allow-listed host, with `Idempotency-Key`; its optional compensating request. */
export function httpRequestAction(http: HttpCaller) {
  return defineAction<Input, Output>({
    name: 'http.request',
    description: 'an HTTP request to an allow-listed host (COGO_EXECUTE_ALLOW_HOSTS), carrying Idempotency-Key',
    input,
    rateLimit: { perSec: 50, burst: 50, onLimit: 'delay' },
    precheck(given) {
      for (const url of [given.url, (given.compensate as { url?: unknown } | undefined)?.url]) if (typeof url === 'string') http.check(url);
    },
    async run(given, ctx) {
      const reply = await http.call({ ...given, idempotencyKey: ctx.idempotencyKey, signal: ctx.signal });
      return { output: { status: reply.status, body: reply.body } };
    },
    async compensate(given, output, ctx) {
      const undo = given.compensate;
      if (!undo) return 'irreversible';
      const url = undo.url.replace(/\{output\.([^}]+)\}/g, (_, path: string) => encodeURIComponent(String(valueAt(output, path.split('.')) ?? '')));
      await http.call({ ...undo, url, idempotencyKey: ctx.idempotencyKey, signal: ctx.signal });
      return 'undone';
    },
  });
}
