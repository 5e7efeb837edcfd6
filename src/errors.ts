/**
 * One error model for the whole service (DESIGN §7). Every adapter maps its own failures into an AppError
 * once; every transport (GraphQL, REST, WebSocket close codes) maps an AppError to its wire shape once.
 */
export const ERROR_CODES = [
  'BAD_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'RATE_LIMITED',
  'IDEMPOTENCY_CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'UPSTREAM_UNAVAILABLE',
  'TIMEOUT',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

const RETRYABLE: ReadonlySet<ErrorCode> = new Set(['RATE_LIMITED', 'UPSTREAM_UNAVAILABLE', 'TIMEOUT', 'INTERNAL']);

const HTTP_STATUS: Record<ErrorCode, number> = {
  BAD_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  RATE_LIMITED: 429,
  IDEMPOTENCY_CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UPSTREAM_UNAVAILABLE: 503,
  TIMEOUT: 504,
  INTERNAL: 500,
};

export interface AppErrorOptions {
  /** Which component raised it (`config`, `neo4j`, `redis`, `postgres`, `rest`, …): shown to users as `via`. */
  via?: string;
  retryable?: boolean;
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly via: string;
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.via = options.via ?? 'cogo';
    this.retryable = options.retryable ?? RETRYABLE.has(code);
    this.details = options.details;
  }

  get httpStatus(): number {
    return HTTP_STATUS[this.code];
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/** Anything thrown becomes an AppError; unknown failures are INTERNAL and keep their cause for the logs only. */
export function toAppError(error: unknown, via = 'cogo'): AppError {
  if (isAppError(error)) return error;
  return new AppError('INTERNAL', 'internal error; see the server log for details', { via, cause: error });
}

/** The text a user may see: internal messages are hidden unless the server runs in development. */
export function publicMessage(error: AppError, exposeInternal: boolean): string {
  return error.code === 'INTERNAL' && !exposeInternal ? 'internal error; see the server log for details' : error.message;
}
