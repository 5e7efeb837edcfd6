import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody, sendJson } from './http-exchange.js';

/** One span as an OTLP/HTTP JSON export carries it, with the service that sent it. */
export interface CollectedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}

export interface OtlpCollector {
  /** Base URL: what OTEL_EXPORTER_OTLP_ENDPOINT is set to (exports arrive at `/v1/traces`). */
  url: string;
  spans: CollectedSpan[];
  /** Export requests that were not OTLP JSON (content type or shape). */
  rejected: number;
  close(): Promise<void>;
}

type AnyValue = { stringValue?: string; intValue?: number | string; doubleValue?: number; boolValue?: boolean };
type KeyValue = { key: string; value: AnyValue };
const valueOf = (v: AnyValue) => v.stringValue ?? v.intValue ?? v.doubleValue ?? v.boolValue;
const attributesOf = (list: KeyValue[] = []) => Object.fromEntries(list.map((a) => [a.key, valueOf(a.value)]));

/** A real OTLP/HTTP trace receiver on 127.0.0.1 that keeps every span it is sent (JSON encoding only). */
export async function startOtlpCollector(): Promise<OtlpCollector> {
  const spans: CollectedSpan[] = [];
  const state = { rejected: 0 };
  const server = createServer(async (request, response) => {
    const body = await readBody(request);
    if (request.method !== 'POST' || request.url !== '/v1/traces' || !request.headers['content-type']?.startsWith('application/json')) {
      state.rejected++;
      return sendJson(response, 415, { error: 'OTLP JSON on POST /v1/traces only' });
    }
    const exported = JSON.parse(body) as {
      resourceSpans: {
        resource: { attributes: KeyValue[] };
        scopeSpans: { spans: (Omit<CollectedSpan, 'service' | 'attributes'> & { attributes: KeyValue[] })[] }[];
      }[];
    };
    for (const resourceSpans of exported.resourceSpans) {
      const service = String(attributesOf(resourceSpans.resource.attributes)['service.name']);
      for (const scope of resourceSpans.scopeSpans) {
        for (const span of scope.spans) spans.push({ ...span, parentSpanId: span.parentSpanId ?? '', service, attributes: attributesOf(span.attributes) });
      }
    }
    sendJson(response, 200, { partialSuccess: {} });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    get rejected() {
      return state.rejected;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
