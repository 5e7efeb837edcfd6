import type { Server } from 'node:http';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Auth } from '../auth/index.js';
import { valueDepthExceeds } from '../auth/json-depth.js';
import type { Principal } from '../auth/principal.js';
import type { Config } from '../config/index.js';
import { AppError, publicMessage, toAppError, type ErrorCode } from '../errors.js';
import type { RequestContext, Services } from './context.js';
import type { formatExecutionResult } from './graphql-errors.js';
import { validateWithLimits } from './query-limits.js';
import { traceIdFrom } from './trace-id.js';

/** graphql-ws close codes for refusals (its own: 4401 Unauthorized, 4403 Forbidden; 4429 by analogy with HTTP). */
const CLOSE_CODES: Partial<Record<ErrorCode, number>> = { UNAUTHENTICATED: 4401, FORBIDDEN: 4403, RATE_LIMITED: 4429 };

const asGraphQLError = (error: AppError) => new GraphQLError(error.message, { originalError: error });

export interface GraphqlWsOptions {
  server: Server;
  schema: GraphQLSchema;
  config: Config;
  auth: Auth;
  services: Services;
  formatResult: ReturnType<typeof formatExecutionResult>;
}

/**
 * GraphQL over WebSocket on `/graphql`. The upgrade passes the browser guard (Origin, Host) first;
 * `connection_init` must come within COGO_WS_INIT_TIMEOUT_MS and carries the credential as `{authorization}`
 * (or the upgrade's Authorization header); each subscribe is rate-limited, nesting-checked and capped per socket.
 */
export function attachGraphqlWs(options: GraphqlWsOptions): { dispose(): Promise<void> } {
  const { server, schema, config, auth, services, formatResult } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.http.maxPayloadBytes });
  // Per socket and operation id: graphql-ws calls onComplete for each operation, also when its socket closes.
  const open = new WeakMap<object, Map<string, () => void>>();
  const opened = (socket: object) => open.get(socket) ?? open.set(socket, new Map()).get(socket)!;
  const wsServer = useServer<Record<string, unknown>, { principal?: Principal }>(
    {
      schema,
      validate: validateWithLimits,
      connectionInitWaitTimeout: config.limits.wsInitTimeoutMs,
      onConnect: async (ctx) => {
        const { socket, request } = ctx.extra;
        const param = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        const authorization = typeof param === 'string' ? param : request.headers.authorization;
        try {
          const principal = await auth.authenticator.authenticate({ authorization, transport: 'graphql-ws', ip: request.socket.remoteAddress });
          await auth.rateLimit(principal);
          ctx.extra.principal = principal;
          const untrack = auth.authenticator.sessions.track(principal, () => socket.close(4401, 'UNAUTHENTICATED: the credential was revoked or has expired'));
          socket.once('close', untrack);
          return true;
        } catch (error) {
          const appError = toAppError(error, 'auth');
          // Close reasons are limited to 123 bytes.
          socket.close(CLOSE_CODES[appError.code] ?? 4500, `${appError.code}: ${publicMessage(appError, config.exposeInternalErrors)}`.slice(0, 120));
          return false;
        }
      },
      onSubscribe: async (ctx, id, payload) => {
        // The subscription being started is already counted.
        if (Object.keys(ctx.subscriptions).length > config.limits.wsMaxSubscriptions) {
          return [
            asGraphQLError(
              new AppError('RATE_LIMITED', `at most ${config.limits.wsMaxSubscriptions} operations at once per connection (COGO_WS_MAX_SUBSCRIPTIONS)`, {
                via: 'graphql-ws',
              }),
            ),
          ];
        }
        if (valueDepthExceeds(payload.variables, config.limits.maxJsonDepth)) {
          return [
            asGraphQLError(
              new AppError('BAD_INPUT', `the variables nest deeper than ${config.limits.maxJsonDepth} levels (COGO_MAX_JSON_DEPTH)`, { via: 'graphql-ws' }),
            ),
          ];
        }
        try {
          await auth.rateLimit(ctx.extra.principal as Principal);
        } catch (error) {
          return [asGraphQLError(toAppError(error, 'auth'))];
        }
        opened(ctx.extra.socket).set(id, services.metrics.openSubscription('graphql-ws'));
        return undefined;
      },
      onComplete: (ctx, id) => {
        opened(ctx.extra.socket).get(id)?.();
        opened(ctx.extra.socket).delete(id);
      },
      context: (ctx): RequestContext => ({ services, traceId: traceIdFrom(ctx.extra.request.headers), principal: ctx.extra.principal as Principal }),
      onNext: (_ctx, _id, _payload, args, result) => formatResult(result, (args.contextValue as RequestContext | undefined)?.traceId) as never,
      // Errors before execution (validation, parse) are the caller's: BAD_INPUT, nothing to log.
      onError: (_ctx, _id, _payload, errors) => formatResult({ errors }, undefined).errors as never,
    },
    wss,
  );
  server.on('upgrade', (request, socket, head) => {
    if (new URL(request.url ?? '/', 'http://x').pathname !== '/graphql') return socket.destroy();
    const refusal = auth.browserGuard.check(request.headers);
    if (refusal) {
      const body = JSON.stringify({ ok: false, error: refusal.message, code: refusal.code, via: refusal.via });
      socket.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  });
  return { dispose: () => Promise.resolve(wsServer.dispose()) };
}
