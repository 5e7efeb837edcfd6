import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Embedder } from '../embeddings/types.js';
import type { BusEvent, StreamName } from '../events/event-types.js';
import type { QueueStat } from '../queue/job-queries.js';
import { createJobMetrics } from './job-metrics.js';

/** Request latencies from a cached read (a few ms) to a long synchronous search. */
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const LAG_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export type SubscriptionTransport = 'graphql-ws' | 'graphql-sse' | 'rest-sse';

/**
 * Prometheus metrics for `/metrics`, per process: process defaults (event-loop lag included), HTTP and GraphQL
 * latencies, what the events this process publishes say about jobs (job-metrics.ts), event delivery lag, open
 * subscriptions, embeddings, and queue depths read from BullMQ at scrape time.
 */
export function createMetrics(options: { queueStats: () => Promise<QueueStat[]> }) {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry, prefix: 'cogo_' });
  const events = new Counter({ name: 'cogo_events_total', help: 'Events published by this process, by type', labelNames: ['type'], registers });
  new Gauge({
    name: 'cogo_queue_jobs',
    help: 'Jobs per queue and state (read from BullMQ when scraped)',
    labelNames: ['queue', 'state'],
    registers,
    async collect() {
      for (const stat of await options.queueStats()) {
        for (const state of ['waiting', 'active', 'delayed', 'failed'] as const) this.set({ queue: stat.queue, state }, stat[state]);
      }
    },
  });
  const http = new Histogram({
    name: 'cogo_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status (streams: until their headers are sent)',
    labelNames: ['method', 'route', 'status'],
    buckets: REQUEST_BUCKETS,
    registers,
  });
  const graphql = new Histogram({
    name: 'cogo_graphql_operation_duration_seconds',
    help: 'GraphQL queries and mutations over HTTP, by operation type and root fields (not the client-chosen name)',
    labelNames: ['type', 'operation', 'outcome'],
    buckets: REQUEST_BUCKETS,
    registers,
  });
  const lag = new Histogram({
    name: 'cogo_event_lag_seconds',
    help: 'From an event being published to its delivery to a live subscriber of this process, by stream kind',
    labelNames: ['stream'],
    buckets: LAG_BUCKETS,
    registers,
  });
  const subscriptions = new Gauge({ name: 'cogo_open_subscriptions', help: 'Subscriptions open now, by transport', labelNames: ['transport'], registers });
  for (const transport of ['graphql-ws', 'graphql-sse', 'rest-sse'] as const) subscriptions.set({ transport }, 0);
  const embedded = new Counter({ name: 'cogo_embedded_texts_total', help: 'Texts embedded by this process, by embedder', labelNames: ['embedder'], registers });
  const embedSeconds = new Histogram({
    name: 'cogo_embedding_batch_duration_seconds',
    help: 'One embedding batch, by embedder (texts per second = rate of cogo_embedded_texts_total)',
    labelNames: ['embedder'],
    buckets: REQUEST_BUCKETS,
    registers,
  });
  const jobs = createJobMetrics(registry);

  return {
    registry,
    observeEvent(event: BusEvent, stream: StreamName) {
      events.inc({ type: event.type });
      jobs.observe(event, stream);
    },
    observeDelivery(event: BusEvent, stream: StreamName) {
      lag.observe({ stream: stream.kind }, Math.max(0, Date.now() - Date.parse(event.ts)) / 1000);
    },
    observeHttp(labels: { method: string; route: string; status: number }, seconds: number) {
      http.observe({ ...labels, status: String(labels.status) }, seconds);
    },
    observeGraphql(labels: { type: string; operation: string; outcome: 'ok' | 'error' }, seconds: number) {
      graphql.observe(labels, seconds);
    },
    /** Counts a subscription as open until the returned function is called (once; later calls do nothing). */
    openSubscription(transport: SubscriptionTransport): () => void {
      subscriptions.inc({ transport });
      let open = true;
      return () => {
        if (open) subscriptions.dec({ transport });
        open = false;
      };
    },
    /** The same embedder, counting what it embeds. */
    countEmbeddings(embedder: Embedder): Embedder {
      const labels = { embedder: embedder.id };
      return {
        id: embedder.id,
        dimensions: embedder.dimensions,
        // A fallback must stay announced in every answer (docs/indexing.md), counted or not.
        ...(embedder.fallbackReason === undefined ? {} : { fallbackReason: embedder.fallbackReason }),
        async embed(texts, embedOptions) {
          const stop = embedSeconds.startTimer(labels);
          const vectors = await embedder.embed(texts, embedOptions);
          stop();
          embedded.inc(labels, texts.length);
          return vectors;
        },
      };
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
