import { context, isSpanContextValid, propagation, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { BullMQOtel } from 'bullmq-otel';
import { VERSION } from '../version.js';
import { traceRedisCommands } from './traced-redis.js';

export { SpanKind };

export interface Tracing {
  /** True when spans are recorded and exported; false: every span below is OpenTelemetry's no-op. */
  readonly enabled: boolean;
  /** BullMQ's telemetry (bullmq-otel): carries the enqueuing span into the job, so the worker's spans join its trace. */
  readonly bullmq: BullMQOtel | undefined;
  /** Sends the spans still buffered. */
  shutdown(): Promise<void>;
}

const tracer = () => trace.getTracer('cogo', VERSION);
// One provider per process: OpenTelemetry's globals accept one registration (tests make several runtimes).
let started: { destination: string; tracing: Tracing; users: number } | undefined;

export interface TracingOptions {
  endpoint: string | undefined;
  serviceName: string;
  /** OTEL_TRACES_EXPORTER: `otlp` (the default; needs the endpoint) or `none` (spans recorded, nothing sent). */
  exporter: 'otlp' | 'none';
}

/**
 * Registers the OpenTelemetry SDK when an OTLP endpoint is configured (OTEL_EXPORTER_OTLP_ENDPOINT): spans go
 * in batches to `${endpoint}/v1/traces` as OTLP/HTTP JSON. With OTEL_TRACES_EXPORTER=none the SDK records spans
 * without sending them (real trace ids on logs and events, no collector). Otherwise nothing is registered, and
 * the spans COGO starts are the API's no-ops (a function call each).
 */
export function startTracing(options: TracingOptions): Tracing {
  const exporting = options.exporter === 'otlp' && options.endpoint ? options.endpoint : undefined;
  if (!exporting && options.exporter !== 'none') return { enabled: false, bullmq: undefined, shutdown: async () => {} };
  const destination = exporting ?? 'nowhere (OTEL_TRACES_EXPORTER=none)';
  if (started) {
    if (started.destination !== destination) throw new Error(`tracing already exports to ${started.destination}; one destination per process`);
    started.users++;
    return started.tracing;
  }
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName, [ATTR_SERVICE_VERSION]: VERSION }),
    spanProcessors: exporting
      ? [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${exporting.replace(/\/+$/, '')}/v1/traces` }), { scheduledDelayMillis: 500 })]
      : [],
  });
  // Also installs the AsyncLocalStorage context manager and the W3C traceparent propagator.
  provider.register();
  const stopRedisSpans = traceRedisCommands(tracer());
  const tracing: Tracing = {
    enabled: true,
    bullmq: new BullMQOtel({ tracerName: 'cogo-bullmq', version: VERSION }),
    async shutdown() {
      if (!started || --started.users > 0) return;
      started = undefined;
      stopRedisSpans();
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
  started = { destination, tracing, users: 1 };
  return tracing;
}

/** Runs `work` in a child span of the active one; a thrown error marks the span failed and is rethrown. */
export function withSpan<T>(name: string, attributes: Attributes, work: (span: Span) => Promise<T>, kind: SpanKind = SpanKind.INTERNAL): Promise<T> {
  return tracer().startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** A server span continuing the caller's `traceparent` (if any); the caller ends it and activates its context. */
export function startServerSpan(
  name: string,
  headers: Record<string, string | string[] | undefined>,
  attributes: Attributes,
): { span: Span; context: Context } {
  const parent = propagation.extract(context.active(), headers);
  const span = tracer().startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
  return { span, context: trace.setSpan(parent, span) };
}

/** The active span's trace id, when a real (recording) one is active. */
export function activeTraceId(): string | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}

/** For pino's `mixin`: the active span's ids on every log line written inside it. */
export function traceFields(): Record<string, string> {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && isSpanContextValid(spanContext) ? { traceId: spanContext.traceId, spanId: spanContext.spanId } : {};
}

export { context as otelContext, SpanStatusCode };
