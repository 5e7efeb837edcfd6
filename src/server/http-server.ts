import { randomUUID } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { GraphQLSchema } from 'graphql';
import { createHandler as createSseHandler } from 'graphql-sse/lib/use/fastify';
import { useServer as useWsServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Config } from '../config/index.js';
import { AppError } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import type { RequestContext, Services } from './context.js';
import { registerBrowserRedirects } from './browser-redirects.js';
import { registerGraphiql } from './graphiql-route.js';
import { formatExecutionResult, formatGraphQLError, graphqlErrorLogging } from './graphql-errors.js';
import { queryLimitRules, validateWithLimits } from './query-limits.js';
import { restErrorBody, restErrorHandler } from './rest-errors.js';
import { refuseSubscriptionsOverHttp } from './subscriptions-over-http.js';

/** Until auth lands (DESIGN §7), every caller acts as this principal of the default tenant. */
export const ANONYMOUS = { id: 'anonymous', tenant: 'default' } as const;

export interface HttpServerOptions {
  config: Config;
  logger: Logger;
  schema: GraphQLSchema;
  services: Services;
  /** Extra routes (REST areas) registered by the composition root. */
  routes?: Array<(app: FastifyInstance) => Promise<void> | void>;
}

export interface HttpServer {
  app: FastifyInstance;
  listen(): Promise<string>;
  close(): Promise<void>;
}

/** W3C traceparent `00-<trace-id>-<span-id>-<flags>` carries the caller's trace into COGO; else a new one. */
export function traceIdFrom(headers: Record<string, string | string[] | undefined>): string {
  const header = headers['traceparent'];
  const match = typeof header === 'string' ? /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/.exec(header.trim()) : null;
  return match?.[1] ?? randomUUID().replace(/-/g, '');
}

export async function createHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const { config, logger, schema, services } = options;
  const app = Fastify({
    loggerInstance: logger.child({ component: 'http' }) as FastifyBaseLogger,
    // Per-request lines would double every request in the log; errors are logged by the error handler.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.http.maxPayloadBytes,
    forceCloseConnections: 'idle',
  });
  app.setErrorHandler(restErrorHandler(logger, config.exposeInternalErrors));
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send(restErrorBody(new AppError('NOT_FOUND', `no route ${request.method} ${request.url}`, { via: 'http' }), config.exposeInternalErrors)),
  );
  const contextFor = (headers: FastifyRequest['headers']): RequestContext => ({ services, traceId: traceIdFrom(headers), principal: ANONYMOUS });

  app.get('/healthz', async () => ({ ok: true, uptimeSeconds: (Date.now() - services.startedAt) / 1000 }));
  app.get('/metrics', async (_request, reply) =>
    reply.type(services.metrics.registry.contentType).send(await services.metrics.registry.metrics()),
  );
  app.get('/readyz', async (_request, reply) => {
    const readiness = await services.readiness();
    return reply.status(readiness.ok ? 200 : 503).send(readiness);
  });

  const apollo = new ApolloServer<RequestContext>({
    schema,
    introspection: true,
    // The default landing page loads from a CDN; GraphiQL is served locally at /graphiql instead.
    plugins: [fastifyApolloDrainPlugin(app), ApolloServerPluginLandingPageDisabled(), refuseSubscriptionsOverHttp, graphqlErrorLogging<RequestContext>(logger)],
    validationRules: [...queryLimitRules],
    formatError: formatGraphQLError(config.exposeInternalErrors),
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
  });
  await apollo.start();
  await app.register(fastifyApollo(apollo), { context: async (request) => contextFor(request.headers) });

  const formatSseResult = formatExecutionResult(config.exposeInternalErrors, logger, 'sse');
  const sse = createSseHandler<RequestContext>({
    schema,
    validate: validateWithLimits,
    context: (req) => contextFor(req.raw.headers),
    onNext: (ctx, _req, result) => formatSseResult(result, ctx.traceId),
  });
  app.all('/graphql/stream', (request, reply) => sse(request, reply));

  await registerGraphiql(app);
  registerBrowserRedirects(app);
  for (const register of options.routes ?? []) await register(app);

  const formatWsResult = formatExecutionResult(config.exposeInternalErrors, logger, 'ws');
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.http.maxPayloadBytes });
  const wsServer = useWsServer<Record<string, unknown>, { context?: RequestContext }>(
    {
      schema,
      validate: validateWithLimits,
      context: (ctx) => contextFor(ctx.extra.request.headers),
      onNext: (_ctx, _id, _payload, args, result) => formatWsResult(result, (args.contextValue as RequestContext | undefined)?.traceId) as never,
      // Errors before execution (validation, parse) are the caller's: BAD_INPUT, nothing to log.
      onError: (_ctx, _id, _payload, errors) => formatWsResult({ errors }, undefined).errors as never,
    },
    wss,
  );
  app.server.on('upgrade', (request, socket, head) => {
    if (new URL(request.url ?? '/', 'http://x').pathname !== '/graphql') return socket.destroy();
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  });

  return {
    app,
    async listen() {
      await app.listen({ host: config.http.host, port: config.http.port });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : config.http.port;
      return `http://${config.http.host}:${port}`;
    },
    async close() {
      await wsServer.dispose();
      // Event streams (SSE) never go idle by themselves: give requests in flight a moment, then cut what is left.
      const force = setTimeout(() => app.server.closeAllConnections(), 3000);
      force.unref();
      await app.close();
      clearTimeout(force);
      await apollo.stop();
    },
  };
}
