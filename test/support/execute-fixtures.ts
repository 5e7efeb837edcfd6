import type { BusEvent } from '../../src/events/event-types.js';
import { spawnTsProcess, type TestProcess } from './child-process.js';

/** A job's terminal event: `execute.done`, or `job.dead` (failed for good, or dead). */
export function isExecuteTerminal(event: BusEvent): boolean {
  return event.type === 'execute.done' || event.type === 'job.dead' || event.type === 'job.cancelled';
}

/** A real worker process running the execute agent (test/support/agent-worker.ts). */
export function startExecuteWorker(env: NodeJS.ProcessEnv, id: string): Promise<TestProcess> {
  return spawnTsProcess('test/support/agent-worker.ts', [], {
    env: { ...env, WORKER_ID: id, WORKER_AREAS: 'execute' },
    ready: new RegExp(`READY ${id} (\\d+)`),
  });
}

/** The 5-step flow of the recovery test and the benchmark: an order, its payment, a graph record, a webhook, a receipt. */
export function orderFlow(url: string, flow: string) {
  const order = { $ref: 'steps.order.output.body.id' };
  return [
    { name: 'order', action: 'http.request', input: { method: 'POST', url: `${url}/orders`, body: { flow } } },
    { name: 'pay', action: 'http.request', input: { method: 'POST', url: `${url}/payments`, body: { order } } },
    { name: 'record', action: 'graph.upsert', input: { nodes: [{ id: `order-${flow}`, kind: 'Order', properties: { order } }] } },
    { name: 'notify', action: 'webhook.notify', input: { url: `${url}/hooks`, event: 'paid', data: { order } } },
    { name: 'receipt', action: 'artifact.publish', input: { name: `receipt-${flow}.txt`, content: { $ref: 'steps.pay.output.body.id' } } },
  ];
}
