import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { requires } from '../../auth/http-guard.js';
import type { Principal } from '../../auth/principal.js';
import { AppError } from '../../errors.js';
import type { Services } from '../context.js';

/** A single `bytes=` range resolved against the file's size; undefined = serve it all; 'unsatisfiable' = 416. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  // Several ranges, or another unit: the whole file is a valid answer (RFC 9110 §14.2).
  if (!match) return undefined;
  const [, from, to] = match;
  if (from === '' && to === '') return undefined;
  if (from === '') {
    const suffix = Number(to);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(from);
  const end = to === '' ? size - 1 : Math.min(Number(to), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/**
 * `GET /v1/artifacts/:id` (scope `jobs:read`): an artifact's bytes for a caller of its tenant (another tenant's is NOT_FOUND, the
 * same answer as a missing one), with its media type and single-range requests. Always an attachment, never
 * rendered in the API's origin: a build's HTML or SVG must not run script there.
 */
export function registerArtifactRoutes(app: FastifyInstance, services: Services): void {
  app.get<{ Params: { id: string } }>('/v1/artifacts/:id', { config: { access: requires(() => ['jobs:read']) } }, async (request, reply) => {
    // Set by the HTTP guard on every non-public route; the tenant comes from the credential only.
    const principal = request.principal as Principal;
    const opened = await services.artifacts.open(principal.tenant, request.params.id);
    if (!opened) throw new AppError('NOT_FOUND', `artifact ${request.params.id} not found`, { via: 'rest' });
    const { artifact, size } = opened;
    const range = parseRange(request.headers.range, size);
    reply
      .header('content-type', artifact.mediaType)
      .header('accept-ranges', 'bytes')
      .header('etag', `"${artifact.sha256}"`)
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "sandbox; default-src 'none'")
      .header('content-disposition', `attachment; filename="${path.basename(artifact.path).replace(/[^\w.-]/g, '_')}"`);
    if (range === 'unsatisfiable') return reply.status(416).header('content-range', `bytes */${size}`).send();
    const body = await opened.read(range);
    if (!body) throw new AppError('NOT_FOUND', `artifact ${request.params.id} not found`, { via: 'rest' });
    if (range === undefined) return reply.header('content-length', size).send(body);
    return reply
      .status(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
      .header('content-length', range.end - range.start + 1)
      .send(body);
  });
}
