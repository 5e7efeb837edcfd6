import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, isAppError, publicMessage, toAppError } from '../errors.js';
import type { Logger } from '../observability/logger.js';

/** The one mapping from errors to the REST wire shape `{ok:false, error, code, via}` (DESIGN §7). */
export function restErrorHandler(logger: Logger, exposeInternal: boolean) {
  return (error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => {
    const appError = fromFastify(error);
    if (appError.code === 'INTERNAL') logger.error({ err: error, url: request.url }, 'request failed');
    if (appError.code === 'RATE_LIMITED' && appError.details?.retryAfter) void reply.header('retry-after', String(appError.details.retryAfter));
    void reply.status(appError.httpStatus).send(restErrorBody(appError, exposeInternal));
  };
}

/** The REST error body `{ok:false, error, code, via, retryable, details?}`: every REST and SSE error is built here. */
export function restErrorBody(appError: AppError, exposeInternal: boolean) {
  return {
    ok: false as const,
    error: publicMessage(appError, exposeInternal),
    code: appError.code,
    via: appError.via,
    retryable: appError.retryable,
    ...(appError.details ? { details: appError.details } : {}),
  };
}

function fromFastify(error: FastifyError | Error): AppError {
  if (isAppError(error)) return error;
  const fastifyCode = (error as FastifyError).code;
  if (fastifyCode === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new AppError('PAYLOAD_TOO_LARGE', 'the request body is larger than COGO_MAX_PAYLOAD_BYTES allows', { via: 'http' });
  }
  if ((error as FastifyError).validation || fastifyCode?.startsWith('FST_ERR_CTP') || fastifyCode === 'FST_ERR_VALIDATION') {
    return new AppError('BAD_INPUT', error.message, { via: 'http' });
  }
  return toAppError(error, 'http');
}
