import { z } from 'zod';
import { ERROR_CODES } from '../../errors.js';
import { JOB_INPUTS } from '../../queue/job-inputs.js';
import { ENQUEUE_TYPES, JOB_STATUSES } from '../../queue/job-types.js';

const errorBody = {
  type: 'object',
  required: ['ok', 'error', 'code', 'via'],
  properties: {
    ok: { const: false },
    error: { type: 'string' },
    code: { enum: [...ERROR_CODES] },
    via: { type: 'string' },
    retryable: { type: 'boolean' },
  },
};
const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

/** OpenAPI 3.1 for the REST layer; job input schemas come from the same zod schemas that validate them. */
export function openApiDocument(version: string) {
  const enqueuePaths = Object.fromEntries(
    ENQUEUE_TYPES.map((type) => [
      `/v1/${type}/enqueue`,
      {
        post: {
          operationId: `enqueue${type[0]?.toUpperCase()}${type.slice(1)}`,
          summary: `Enqueue a ${type} job`,
          parameters: [
            { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 200 } },
            { name: 'traceparent', in: 'header', required: false, schema: { type: 'string' } },
            { name: 'parentJobId', in: 'query', required: false, schema: { type: 'string' } },
          ],
          requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(JOB_INPUTS[type], { io: 'input' }) } } },
          responses: {
            '202': {
              description: 'Accepted: the job is queued (or, for a repeated Idempotency-Key, was already)',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['ok', 'jobId'],
                    properties: { ok: { const: true }, jobId: { type: 'string' }, created: { type: 'boolean' } },
                  },
                },
              },
            },
            '400': errorResponse('BAD_INPUT'),
            '403': errorResponse('FORBIDDEN: e.g. an indexing root outside the allowed roots (COGO_INDEX_ROOTS)'),
            '409': errorResponse('IDEMPOTENCY_CONFLICT'),
            '413': errorResponse('PAYLOAD_TOO_LARGE'),
          },
        },
      },
    ]),
  );
  return {
    openapi: '3.1.0',
    info: { title: 'COGO REST API', version, description: 'Thin REST layer over the GraphQL control plane at /graphql.' },
    paths: {
      ...enqueuePaths,
      '/v1/jobs/{id}': {
        get: {
          operationId: 'getJob',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': {
              description: 'The job',
              content: { 'application/json': { schema: { type: 'object', properties: { ok: { const: true }, job: { $ref: '#/components/schemas/Job' } } } } },
            },
            '400': errorResponse('BAD_INPUT: malformed id'),
            '404': errorResponse('NOT_FOUND'),
          },
        },
      },
      '/v1/artifacts/{id}': {
        get: {
          operationId: 'downloadArtifact',
          description: "An artifact's bytes (a build's output or log), for callers of its tenant; single byte ranges supported.",
          parameters: [
            { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'Range', in: 'header', required: false, schema: { type: 'string' } },
          ],
          responses: {
            '200': { description: 'The whole file, with its media type, as an attachment' },
            '206': { description: 'The requested range (Content-Range)' },
            '404': errorResponse("NOT_FOUND (also another tenant's artifact)"),
            '416': { description: 'The range lies outside the file' },
          },
        },
      },
      '/v1/jobs/{id}/events': {
        get: {
          operationId: 'streamJobEvents',
          description: 'Server-Sent Events; each event id is a resume cursor (send it back as Last-Event-ID or ?after=).',
          parameters: [
            { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'Last-Event-ID', in: 'header', required: false, schema: { type: 'string' } },
            { name: 'after', in: 'query', required: false, schema: { type: 'string' } },
          ],
          responses: {
            '200': {
              description: "The event stream; it ends after the job's terminal event",
              content: { 'text/event-stream': { schema: { type: 'string' } } },
            },
            '400': errorResponse('BAD_INPUT: malformed or expired cursor'),
            '404': errorResponse('NOT_FOUND'),
          },
        },
      },
    },
    components: {
      schemas: {
        Error: errorBody,
        Job: {
          type: 'object',
          required: ['id', 'type', 'status', 'traceId', 'attempts', 'enqueuedAt'],
          properties: {
            id: { type: 'string' },
            type: { enum: [...ENQUEUE_TYPES] },
            status: { enum: [...JOB_STATUSES] },
            traceId: { type: 'string' },
            attempts: { type: 'integer' },
            maxAttempts: { type: 'integer' },
            enqueuedAt: { type: 'string', format: 'date-time' },
            error: { type: ['object', 'null'] },
          },
        },
      },
    },
  };
}
