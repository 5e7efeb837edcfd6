import { createServer } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { GraphQLSchema } from 'graphql';
import { createHandler as createSseHandler } from 'graphql-sse/lib/use/fastify';
import type { Auth } from '../auth/index.js';
import type { AuditLog } from '../audit/audit-log.js';
import { withScopeChecks } from '../auth/graphql-access.js';
import { GRAPHQL, PUBLIC, registerHttpGuard, requires } from '../auth/http-guard.js';
import { valueDepthExceeds } from '../auth/json-depth.js';
import { hasScope, type Principal } from '../auth/principal.js';
import type { Config } from '../config/index.js';
import { AppError } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import type { RequestContext, Services } from './context.js';
import { registerBrowserRedirects } from './browser-redirects.js';
import { registerDocs } from './docs-route.js';
import { registerDashboard, registerGraphiql } from './graphiql-route.js';
import { formatExecutionResult, formatGraphQLError, graphqlErrorLogging } from './graphql-errors.js';
import { attachGraphqlWs } from './graphql-ws-server.js';
import { queryLimitRules, validateWithLimits } from './query-limits.js';
import { restErrorBody, restErrorHandler } from './rest-errors.js';
import { graphqlMetrics, registerHttpMetrics } from './request-metrics.js';
import { registerRequestTracing } from './request-tracing.js';
import { refuseSubscriptionsOverHttp } from './subscriptions-over-http.js';
import { traceIdFrom } from './trace-id.js';

export interface HttpServerOptions {
  config: Config;
  logger: Logger;
  schema: GraphQLSchema;
  services: Services;
  /** Authentication, limits and browser-origin checks for every transport (src/auth). */
  auth: Auth;
  /** Where refused and scope-less mutations are recorded (the services record the ones they run). */
  audit: AuditLog;
  /** Extra routes (REST areas) registered by the composition root. */
  routes?: Array<(app: FastifyInstance) => Promise<void> | void>;
}

export interface HttpServer {
  app: FastifyInstance;
  listen(): Promise<string>;
  close(): Promise<void>;
}

// Kept where callers (and tests) have imported it from; it lives in trace-id.ts so graphql-ws-server can use it too.
export { traceIdFrom };

/** The principal the HTTP guard authenticated; absent only where a route is public (which builds no context). */
function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('UNAUTHENTICATED', 'a credential is required', { via: 'auth' });
  return request.principal;
}

export async function createHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const { config, logger, services, auth } = options;
  // Scopes are checked inside the schema, so GraphQL over HTTP, graphql-ws and graphql-sse check them alike.
  const schema = withScopeChecks(options.schema, options.audit);
  const app = Fastify({
    loggerInstance: logger.child({ component: 'http' }) as FastifyBaseLogger,
    // Per-request lines would double every request in the log; errors are logged by the error handler.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.http.maxPayloadBytes,
    forceCloseConnections: 'idle',
    // A client that trickles its headers or body (one byte a second) is cut off: Node checks these deadlines
    // every connectionsCheckingInterval, 30 s by default, so it is checked every second here.
    serverFactory: (handler) =>
      createServer(
        { requestTimeout: config.limits.requestTimeoutMs, headersTimeout: config.limits.headersTimeoutMs, connectionsCheckingInterval: 1000 },
        handler,
      ),
  });
  app.setErrorHandler(restErrorHandler(logger, config.exposeInternalErrors));
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send(restErrorBody(new AppError('NOT_FOUND', `no route ${request.method} ${request.url}`, { via: 'http' }), config.exposeInternalErrors)),
  );
  registerHttpMetrics(app, services.metrics);
  if (config.tracing.endpoint) registerRequestTracing(app);
  registerHttpGuard(app, { ...auth, maxJsonDepth: config.limits.maxJsonDepth, exposeInternalErrors: config.exposeInternalErrors });
  const contextFor = (request: FastifyRequest): RequestContext => ({ services, traceId: traceIdFrom(request.headers), principal: principalOf(request) });

  app.get('/healthz', { config: { access: PUBLIC } }, async () => ({ ok: true, uptimeSeconds: (Date.now() - services.startedAt) / 1000 }));
  app.get('/metrics', { config: { access: requires(() => ['admin']) } }, async (_request, reply) =>
    reply.type(services.metrics.registry.contentType).send(await services.metrics.registry.metrics()),
  );
  // Anyone may ask whether the service is ready; which dependency answers how (versions, latencies) is for admins.
  app.get('/readyz', { config: { access: PUBLIC } }, async (request, reply) => {
    const readiness = await services.readiness();
    const admin = request.principal !== null && hasScope(request.principal, 'admin');
    return reply.status(readiness.ok ? 200 : 503).send(admin ? readiness : { ok: readiness.ok });
  });

  const apollo = new ApolloServer<RequestContext>({
    schema,
    introspection: true,
    // The default landing page loads from a CDN; GraphiQL is served locally at /graphiql instead.
    plugins: [
      fastifyApolloDrainPlugin(app),
      ApolloServerPluginLandingPageDisabled(),
      refuseSubscriptionsOverHttp,
      graphqlErrorLogging<RequestContext>(logger),
      graphqlMetrics(services.metrics),
    ],
    validationRules: [...queryLimitRules],
    formatError: formatGraphQLError(config.exposeInternalErrors),
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
  });
  await apollo.start();
  app.route({
    method: ['GET', 'POST', 'OPTIONS'],
    url: '/graphql',
    config: { access: GRAPHQL },
    handler: fastifyApolloHandler(apollo, { context: async (request) => contextFor(request) }),
  });

  const formatSseResult = formatExecutionResult(config.exposeInternalErrors, logger, 'sse');
  const tooDeep = new AppError('BAD_INPUT', `the variables nest deeper than ${config.limits.maxJsonDepth} levels (COGO_MAX_JSON_DEPTH)`, { via: 'graphql' });
  const openSse = new WeakMap<object, () => void>();
  const sse = createSseHandler<RequestContext>({
    schema,
    validate: validateWithLimits,
    // Distinct connections only: the single-connection mode's PUT reservations are one more unauthenticated door.
    authenticate: () => null,
    context: (req) => contextFor(req.raw),
    onSubscribe: (_req, params) => {
      if (!valueDepthExceeds(params.variables, config.limits.maxJsonDepth)) return undefined;
      return [
        JSON.stringify({ errors: [{ message: tooDeep.message, extensions: { code: tooDeep.code, via: tooDeep.via, retryable: false } }] }),
        { status: 400, statusText: 'Bad Request', headers: { 'content-type': 'application/json' } },
      ];
    },
    onNext: (ctx, _req, result) => formatSseResult(result, ctx.traceId),
    onOperation: (ctx, _req, _args, result) => {
      if (Symbol.asyncIterator in result) openSse.set(ctx, services.metrics.openSubscription('graphql-sse'));
    },
    // Called for every operation, also after the client went away (graphql-sse completes it then).
    onComplete: (ctx) => openSse.get(ctx)?.(),
  });
  app.all('/graphql/stream', { config: { access: GRAPHQL } }, (request, reply) => sse(request, reply));

  // GraphiQL's and the dashboard's pages and assets are static files: public (the API calls they make authenticate like any other).
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/graphiql') || route.url.startsWith('/dashboard')) route.config = { ...route.config, access: PUBLIC };
  });
  await registerGraphiql(app);
  await registerDashboard(app);
  await registerDocs(app);
  registerBrowserRedirects(app);
  for (const register of options.routes ?? []) await register(app);

  const formatWsResult = formatExecutionResult(config.exposeInternalErrors, logger, 'ws');
  const wsServer = attachGraphqlWs({ server: app.server, schema, config, auth, services, formatResult: formatWsResult });

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
      // The server's revocation subscriber lives as long as the server.
      await auth.close();
    },
  };
}
