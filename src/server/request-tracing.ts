import type { FastifyInstance } from 'fastify';
import { otelContext, SpanStatusCode, startServerSpan } from '../observability/tracing.js';

/**
 * A server span per HTTP request, continuing the caller's `traceparent`. It is made the active context in
 * `preHandler` (after the body is read: body parsing runs on the socket's callbacks, outside any context set
 * earlier), so resolvers, enqueues and the stores they call record child spans of it.
 */
export function registerRequestTracing(app: FastifyInstance): void {
  const spans = new WeakMap<object, ReturnType<typeof startServerSpan>>();
  app.addHook('onRequest', async (request, reply) => {
    const started = startServerSpan(`${request.method} ${request.routeOptions.url ?? 'unmatched'}`, request.headers, {
      'http.request.method': request.method,
      'url.path': request.url.split('?', 1)[0]!,
      'http.route': request.routeOptions.url ?? 'unmatched',
    });
    spans.set(request, started);
    // Streams (SSE) hijack the reply and never reach onResponse: their span ends with the connection.
    reply.raw.once('close', () => {
      started.span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) started.span.setStatus({ code: SpanStatusCode.ERROR });
      started.span.end();
    });
  });
  app.addHook('preHandler', (request, _reply, done) => {
    const started = spans.get(request);
    if (started) otelContext.with(started.context, done);
    else done();
  });
}
