import type { FastifyBodyParser, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, isAppError, publicMessage, toAppError } from '../errors.js';
import type { Authenticator } from './authenticator.js';
import { isJsonContentType, type BrowserGuard } from './browser-guard.js';
import { jsonDepthExceeds } from './json-depth.js';
import { requireScopes, type Principal } from './principal.js';
import type { RateLimiter } from './rate-limit.js';

/**
 * How a route is reached; every route declares one in its `config.access` (a route without one is refused):
 * `public` (health, the OpenAPI document, GraphiQL's static files: a credential is read if sent, never needed),
 * `graphql` (authenticated here, scopes checked per field by graphql-access), or `scopes` (checked here, after
 * the body is parsed, since an enqueue's scopes depend on its type and input).
 */
export type RouteAccess = { kind: 'public' } | { kind: 'graphql' } | { kind: 'scopes'; scopes: (request: FastifyRequest) => string[] };

export const PUBLIC: RouteAccess = { kind: 'public' };
export const GRAPHQL: RouteAccess = { kind: 'graphql' };
export const requires = (scopes: (request: FastifyRequest) => string[]): RouteAccess => ({ kind: 'scopes', scopes });

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the guard before any handler runs; null only on public routes called without a credential. */
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}

export interface HttpGuardDeps {
  authenticator: Authenticator;
  rateLimit: RateLimiter;
  browserGuard: BrowserGuard;
  maxJsonDepth: number;
  exposeInternalErrors: boolean;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * The HTTP side of the trust boundary, for every route of the Fastify app: browser-origin checks, JSON-only
 * bodies with a nesting limit, authentication, the per-credential rate limit and REST's scope check. Refusals on
 * GraphQL routes get GraphQL's error shape; the rest go to the REST error handler.
 */
export function registerHttpGuard(app: FastifyInstance, deps: HttpGuardDeps): void {
  app.decorateRequest('principal', null);

  // Only JSON is parsed: `text/plain` (a CORS "simple" request a web page may send anywhere) has no parser, and a
  // JSON body nested deeper than COGO_MAX_JSON_DEPTH is refused before anything walks it.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  const parser: FastifyBodyParser<string> = (request, body, done) => {
    if (jsonDepthExceeds(String(body), deps.maxJsonDepth)) {
      done(new AppError('BAD_INPUT', `the JSON body nests deeper than ${deps.maxJsonDepth} levels (COGO_MAX_JSON_DEPTH)`, { via: 'http' }), undefined);
      return;
    }
    parseJson(request, String(body), done);
  };
  app.addContentTypeParser('application/json', { parseAs: 'string' }, parser);
  app.addContentTypeParser(/^application\/[a-z0-9.-]+\+json$/, { parseAs: 'string' }, parser);

  app.addHook('onRequest', async (request, reply) => {
    const access = request.routeOptions.config.access;
    try {
      const refusal = deps.browserGuard.check(request.headers);
      if (refusal) throw refusal;
      if (deps.browserGuard.isListedOrigin(request.headers.origin)) {
        // An app on a listed origin reads the answers (CORS) and may send credentials in Authorization; its
        // preflight is answered here, before authentication, as browsers send it without credentials.
        void reply.header('access-control-allow-origin', request.headers.origin).header('vary', 'origin');
        if (request.method === 'OPTIONS' && request.headers['access-control-request-method']) {
          return reply
            .status(204)
            .header('access-control-allow-methods', 'GET, POST')
            .header('access-control-allow-headers', 'authorization, content-type, idempotency-key, last-event-id, traceparent')
            .header('access-control-max-age', '600')
            .send();
        }
      }
      if (BODY_METHODS.has(request.method) && !isJsonContentType(request.headers['content-type'])) {
        throw new AppError(
          'BAD_INPUT',
          `${request.method} bodies must be JSON (Content-Type: application/json); got "${String(request.headers['content-type'] ?? 'none').slice(0, 80)}"`,
          { via: 'http' },
        );
      }
      if (request.is404) return;
      if (!access)
        throw new AppError('FORBIDDEN', `${request.method} ${request.routeOptions.url} has no access rule; it is refused until it gets one`, { via: 'auth' });
      const credentials = { authorization: request.headers.authorization, transport: 'http', ip: request.ip };
      if (access.kind === 'public') {
        // A public route answers anyone; a credential it carries (say, an admin key on /readyz) may show more.
        request.principal = await deps.authenticator.authenticate(credentials).catch(() => null);
        return;
      }
      const principal = await deps.authenticator.authenticate(credentials);
      await deps.rateLimit(principal);
      request.principal = principal;
      // A revoked key loses its requests in flight and its event streams at once (sessions.closeAll), an expiring
      // credential when it expires.
      const untrack = deps.authenticator.sessions.track(principal, () => request.raw.socket.destroy());
      reply.raw.once('close', untrack);
    } catch (error) {
      if (access?.kind !== 'graphql') throw error;
      return refuseGraphQL(reply, error, deps.exposeInternalErrors);
    }
  });

  app.addHook('preHandler', async (request) => {
    const access = request.routeOptions.config.access;
    if (access?.kind !== 'scopes') return;
    if (!request.principal) throw new AppError('UNAUTHENTICATED', 'a credential is required', { via: 'auth' });
    requireScopes(request.principal, access.scopes(request), `${request.method} ${request.routeOptions.url}`);
  });
}

/** A refusal before GraphQL runs, in GraphQL's error shape (DESIGN §7) with the code's HTTP status. */
function refuseGraphQL(reply: FastifyReply, error: unknown, exposeInternal: boolean): FastifyReply {
  const appError = isAppError(error) ? error : toAppError(error, 'auth');
  if (appError.code === 'RATE_LIMITED' && appError.details?.retryAfter) void reply.header('retry-after', String(appError.details.retryAfter));
  return reply
    .status(appError.httpStatus)
    .type('application/json')
    .send({
      errors: [
        {
          message: publicMessage(appError, exposeInternal),
          extensions: { code: appError.code, via: appError.via, retryable: appError.retryable, ...(appError.details ?? {}) },
        },
      ],
    });
}
