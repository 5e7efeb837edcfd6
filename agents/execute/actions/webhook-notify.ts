import { z } from 'zod';
import { defineAction } from '../action.js';
import type { HttpCaller } from '../http-call.js';

const input = z
  .object({
    url: z.string().min(1).max(2048),
    event: z.string().min(1).max(200),
    data: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

type Input = z.infer<typeof input>;

/**
 * POSTs `{event, data, jobId, step}` to an allow-listed webhook, with `Idempotency-Key`. A notification that was
 * delivered cannot be taken back: no compensation (a failed flow lists it as not undone).
 */
export function webhookNotifyAction(http: HttpCaller) {
  return defineAction<Input, { status: number }>({
    name: 'webhook.notify',
    description: 'POST a JSON event to an allow-listed webhook URL, carrying Idempotency-Key',
    input,
    rateLimit: { perSec: 10, burst: 20, onLimit: 'delay' },
    precheck(given) {
      if (typeof given.url === 'string') http.check(given.url);
    },
    async run(given, ctx) {
      const reply = await http.call({
        method: 'POST',
        url: given.url,
        body: { event: given.event, data: given.data, jobId: ctx.jobId, step: ctx.step },
        idempotencyKey: ctx.idempotencyKey,
        signal: ctx.signal,
      });
      return { output: { status: reply.status } };
    },
  });
}
