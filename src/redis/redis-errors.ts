import { AppError } from '../errors.js';

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** Replies that mean "not now": the server is starting, busy, failing over or out of memory. */
const TRANSIENT_REPLIES = new Set(['LOADING', 'BUSY', 'TRYAGAIN', 'CLUSTERDOWN', 'MASTERDOWN', 'READONLY', 'OOM']);
const AUTH_REPLIES = new Set(['NOAUTH', 'WRONGPASS', 'NOPERM']);
/** What ioredis says when a command meets a connection that is gone (these errors carry no code). */
const CONNECTION_MESSAGES = [/^Connection is closed/, /^Stream isn't writeable/, /Reached the max retries per request limit/];

/**
 * The one place where Redis failures become COGO errors, as `mapPgError` and `mapNeo4jError` do for theirs.
 * Redis down or failing over → UPSTREAM_UNAVAILABLE, retryable; refused credentials → UPSTREAM_UNAVAILABLE, not
 * retryable (an operator must act); anything else (a script bug, WRONGTYPE) is returned as is and becomes INTERNAL.
 */
export function mapRedisError(error: unknown): unknown {
  if (error instanceof AppError || !(error instanceof Error)) return error;
  const code = String((error as { code?: unknown }).code ?? '');
  const replyPrefix = error.name === 'ReplyError' ? (error.message.split(/[\s:]/, 1)[0] ?? '') : '';
  if (CONNECTION_CODES.has(code) || CONNECTION_MESSAGES.some((pattern) => pattern.test(error.message)) || error.name === 'MaxRetriesPerRequestError') {
    return new AppError('UPSTREAM_UNAVAILABLE', `Redis is unavailable (${code || error.message}); check REDIS_URL and run \`npm run services\``, {
      via: 'redis',
      cause: error,
    });
  }
  if (AUTH_REPLIES.has(replyPrefix)) {
    return new AppError('UPSTREAM_UNAVAILABLE', `Redis refused the credentials (${replyPrefix}); check REDIS_URL`, {
      via: 'redis',
      retryable: false,
      cause: error,
    });
  }
  if (TRANSIENT_REPLIES.has(replyPrefix)) {
    return new AppError('UPSTREAM_UNAVAILABLE', `Redis cannot serve the request now (${replyPrefix}); try again shortly`, { via: 'redis', cause: error });
  }
  return error;
}

/** `work` with its Redis failures mapped: for services whose every dependency maps its own (Neo4j, pg) but Redis. */
export async function withRedisErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw mapRedisError(error);
  }
}
