import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { BusEvent } from '../events/event-types.js';
import type { QueueStat } from '../queue/job-queries.js';

/**
 * Prometheus metrics for `/metrics`: process defaults, every event by type (the event stream already sees each
 * job transition, so no component needs its own counters), and queue depths read from BullMQ at scrape time.
 */
export function createMetrics(options: { queueStats: () => Promise<QueueStat[]> }) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'cogo_' });
  const events = new Counter({ name: 'cogo_events_total', help: 'Events published by this process, by type', labelNames: ['type'], registers: [registry] });
  new Gauge({
    name: 'cogo_queue_jobs',
    help: 'Jobs per queue and state (read from BullMQ when scraped)',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      for (const stat of await options.queueStats()) {
        for (const state of ['waiting', 'active', 'delayed', 'failed'] as const) this.set({ queue: stat.queue, state }, stat[state]);
      }
    },
  });
  return {
    registry,
    countEvent: (event: BusEvent) => events.inc({ type: event.type }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
