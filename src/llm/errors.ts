import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { AppError, isAppError } from '../errors.js';
import { errorFromStatus } from '../net/http-errors.js';

/** Why a model answer was not accepted; escalation records it per attempt. */
export type FailureKind = 'schema' | 'ungrounded' | 'error' | 'timeout' | 'rate-limited';

/**
 * The one mapping of `openai` package failures to AppErrors. HTTP statuses go through the same
 * `errorFromStatus` the research sources use, so 429 carries `retryAfterMs` and 5xx is retryable alike.
 */
export function errorFromOpenAi(error: unknown, options: { via: string; url: string; timedOut: boolean }): AppError {
  if (isAppError(error)) return error;
  const { via, url } = options;
  if (options.timedOut || error instanceof APIConnectionTimeoutError) {
    return new AppError('TIMEOUT', `${via}: the model did not answer in time (${url})`, { via, details: { url, failure: 'timeout' }, cause: error });
  }
  if (error instanceof APIUserAbortError) return new AppError('INTERNAL', `${via}: call cancelled`, { via, retryable: false, cause: error });
  if (error instanceof APIConnectionError) {
    return new AppError('UPSTREAM_UNAVAILABLE', `${via}: could not reach ${url}`, { via, details: { url }, cause: error });
  }
  if (error instanceof APIError && typeof error.status === 'number') {
    return errorFromStatus(error.status, { url, via, retryAfter: error.headers?.get('retry-after') ?? null });
  }
  return new AppError('UPSTREAM_UNAVAILABLE', `${via}: the model's reply could not be read`, { via, retryable: false, details: { url }, cause: error });
}

/** A reply that is not the JSON asked for: not retried on the same tier, escalated instead. */
export function schemaFailure(via: string, why: string, text: string): AppError {
  return new AppError('UPSTREAM_UNAVAILABLE', `${via}: the reply does not match the requested JSON schema (${why})`, {
    via,
    retryable: false,
    details: { failure: 'schema', reply: text.slice(0, 500) },
  });
}

export function failureKindOf(error: unknown): FailureKind {
  if (!isAppError(error)) return 'error';
  if (error.details?.failure === 'schema') return 'schema';
  if (error.code === 'TIMEOUT') return 'timeout';
  if (error.code === 'RATE_LIMITED') return 'rate-limited';
  return 'error';
}

/** What a failed call had already cost (a reply paid for but unusable carries it in its error), else 0. */
export function paidCostOf(error: unknown): number {
  return isAppError(error) && typeof error.details?.costUsd === 'number' ? error.details.costUsd : 0;
}
