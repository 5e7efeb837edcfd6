import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PUBLIC, requires } from '../../auth/http-guard.js';
import type { Principal } from '../../auth/principal.js';
import { enqueueScopes } from '../../auth/scopes.js';
import { AppError } from '../../errors.js';
import { ENQUEUE_TYPES, isEnqueueType } from '../../queue/job-types.js';
import type { Services } from '../context.js';
import { traceIdFrom } from '../trace-id.js';
import { openApiDocument } from './openapi.js';
import { sendSse } from './sse.js';

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Set by the HTTP guard on every non-public route (src/auth/http-guard.ts). */
const principalOf = (request: FastifyRequest) => request.principal as Principal;

/** The REST compatibility layer (DESIGN §2): the same services as GraphQL, the plan's URLs and shapes. */
export function registerRestRoutes(app: FastifyInstance, services: Services, options: { exposeInternalErrors: boolean }): void {
  app.get('/openapi.json', { config: { access: PUBLIC } }, async () => openApiDocument(services.version));

  app.post<{ Params: { type: string }; Querystring: { parentJobId?: string } }>(
    '/v1/:type/enqueue',
    {
      config: { access: requires((request) => enqueueScopes((request.params as { type: string }).type, request.body)) },
    },
    async (request, reply) => {
      const { type } = request.params;
      if (!isEnqueueType(type)) {
        throw new AppError('BAD_INPUT', `unknown job type "${type}"; use one of ${ENQUEUE_TYPES.join(', ')}`, { via: 'rest' });
      }
      if (request.body === undefined || request.body === null || typeof request.body !== 'object' || Array.isArray(request.body)) {
        throw new AppError('BAD_INPUT', 'the body must be a JSON object: the job input', { via: 'rest' });
      }
      const { jobId, created } = await services.jobs.enqueue({
        type,
        input: request.body,
        idempotencyKey: header(request, 'idempotency-key') ?? null,
        parentJobId: request.query.parentJobId ?? null,
        traceId: traceIdFrom(request.headers),
        principal: principalOf(request),
      });
      return reply.status(202).send({ ok: true, jobId, created });
    },
  );

  app.get<{ Params: { id: string } }>('/v1/jobs/:id', { config: { access: requires(() => ['jobs:read']) } }, async (request) => ({
    ok: true,
    job: await services.jobs.get(request.params.id, principalOf(request)),
  }));

  app.get<{ Params: { id: string }; Querystring: { after?: string } }>(
    '/v1/jobs/:id/events',
    { config: { access: requires(() => ['jobs:read']) } },
    async (request, reply) => {
      const { id } = request.params;
      await services.jobs.get(id, principalOf(request));
      const after = header(request, 'last-event-id') ?? request.query.after;
      // Checked before the reply turns into a stream, so that a bad cursor still gets a JSON error response.
      if (after) await services.events.assertCursor({ kind: 'job', jobId: id }, after);
      const close = services.metrics.openSubscription('rest-sse');
      try {
        await sendSse(request, reply, services.events.subscribe({ kind: 'job', jobId: id }, { after }), options.exposeInternalErrors);
      } finally {
        close();
      }
    },
  );
}
