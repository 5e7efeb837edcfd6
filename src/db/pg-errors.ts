import { AppError } from '../errors.js';

const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P03']);
/** Invalid text representation, check violation, value too long, numeric out of range, invalid datetime. */
const BAD_INPUT_ERRORS = new Set(['22P02', '23514', '22001', '22003', '22007', '22008']);

/**
 * The one place where Postgres failures become COGO errors, whichever client raised them: `pg` and PGlite both
 * report the server's SQLSTATE in `code`. PGlite has no connection to lose, but a closed database answers every
 * query with "PGlite is closed" (a process shutting down): that is the embedded server being unavailable.
 */
export function mapPgError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  const code = (error as { code?: string } | undefined)?.code;
  if ((code && CONNECTION_ERRORS.has(code)) || (error instanceof Error && error.message === 'PGlite is closed')) {
    return new AppError('UPSTREAM_UNAVAILABLE', `Postgres is unavailable (${code ?? (error as Error).message}); check DATABASE_URL and that the server runs`, {
      via: 'postgres',
      cause: error,
    });
  }
  if (code && BAD_INPUT_ERRORS.has(code)) {
    return new AppError('BAD_INPUT', (error as Error).message, { via: 'postgres', cause: error });
  }
  return error;
}

/** `work` with its failures mapped by `mapPgError`: both clients wrap every call with it. */
export async function withPgErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw mapPgError(error);
  }
}
