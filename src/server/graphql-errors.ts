import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { AppError, isAppError, publicMessage } from '../errors.js';

/**
 * The one mapping from errors to GraphQL's wire shape: `extensions: {code, via, retryable}` (DESIGN §7).
 * GraphQL's own validation and parse errors are the caller's fault: BAD_INPUT.
 */
export function formatGraphQLError(exposeInternal: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const appError = toAppErrorForGraphQL(original, formatted);
    return {
      message: publicMessage(appError, exposeInternal),
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: appError.code, via: appError.via, retryable: appError.retryable, ...(appError.details ?? {}) },
    };
  };
}

function toAppErrorForGraphQL(original: unknown, formatted: GraphQLFormattedError): AppError {
  if (isAppError(original)) return original;
  // Refusals made before execution (graphql-ws's onSubscribe) carry their AppError without a path.
  if (original instanceof GraphQLError && isAppError(original.originalError)) return original.originalError;
  const apolloCode = formatted.extensions?.code;
  if (
    apolloCode === 'GRAPHQL_PARSE_FAILED' ||
    apolloCode === 'GRAPHQL_VALIDATION_FAILED' ||
    apolloCode === 'BAD_USER_INPUT' ||
    apolloCode === 'BAD_REQUEST' ||
    (original instanceof GraphQLError && !original.originalError)
  ) {
    return new AppError('BAD_INPUT', formatted.message, { via: 'graphql' });
  }
  return new AppError('INTERNAL', formatted.message, { via: 'graphql', cause: original });
}

/** graphql-ws and graphql-sse send results outside Apollo: their errors get the same wire shape here. */
export function formatExecutionResult(exposeInternal: boolean) {
  const format = formatGraphQLError(exposeInternal);
  return <R extends { errors?: readonly GraphQLError[] }>(result: R): R => {
    if (!result.errors?.length) return result;
    return { ...result, errors: result.errors.map((error) => format(error.toJSON(), error)) } as unknown as R;
  };
}
