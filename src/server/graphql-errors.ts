import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { AppError, isAppError, publicMessage } from '../errors.js';
import type { Logger } from '../observability/logger.js';

/**
 * The one mapping from errors to GraphQL's wire shape: `extensions: {code, via, retryable}` (DESIGN §7).
 * GraphQL's own validation and parse errors are the caller's fault: BAD_INPUT.
 */
export function formatGraphQLError(exposeInternal: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const appError = toAppErrorForGraphQL(unwrapResolverError(error), formatted);
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
    // An operationName the document does not define (issue 9: was INTERNAL).
    apolloCode === 'OPERATION_RESOLUTION_FAILURE' ||
    (original instanceof GraphQLError && !original.originalError)
  ) {
    return new AppError('BAD_INPUT', formatted.message, { via: 'graphql' });
  }
  return new AppError('INTERNAL', formatted.message, { via: 'graphql', cause: original });
}

const isInternal = (error: GraphQLError): boolean => toAppErrorForGraphQL(unwrapResolverError(error), error.toJSON()).code === 'INTERNAL';

/**
 * An INTERNAL error tells the caller to see the server log: this puts it there, with the request's trace id, and
 * gives the caller that trace id (`extensions.traceId`) to find the line by. Other codes are the caller's to act
 * on and are not logged.
 */
function logInternal(logger: Logger, errors: readonly GraphQLError[], traceId: string | undefined, transport: string): boolean {
  let any = false;
  for (const error of errors) {
    if (!isInternal(error)) continue;
    any = true;
    logger.error({ err: unwrapResolverError(error), traceId, path: error.path, transport }, 'GraphQL operation failed');
  }
  return any;
}

const withTraceId = (errors: readonly GraphQLFormattedError[], traceId: string | undefined) =>
  traceId ? errors.map((e) => (e.extensions?.code === 'INTERNAL' ? { ...e, extensions: { ...e.extensions, traceId } } : e)) : errors;

/** Apollo (HTTP): logs INTERNAL errors with the trace id and adds it to their extensions. */
export function graphqlErrorLogging<C extends { traceId: string }>(logger: Logger): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      let logged = false;
      return {
        async didEncounterErrors({ errors, contextValue }) {
          logged = logInternal(logger, errors, contextValue.traceId, 'http') || logged;
        },
        async willSendResponse({ response, contextValue }) {
          if (!logged || response.body.kind !== 'single' || !response.body.singleResult.errors) return;
          response.body.singleResult.errors = withTraceId(response.body.singleResult.errors, contextValue.traceId);
        },
      };
    },
  };
}

/** graphql-ws and graphql-sse send results outside Apollo: their errors get the same wire shape and logging here. */
export function formatExecutionResult(exposeInternal: boolean, logger: Logger, transport: 'ws' | 'sse') {
  const format = formatGraphQLError(exposeInternal);
  return <R extends { errors?: readonly GraphQLError[] }>(result: R, traceId: string | undefined): R => {
    if (!result.errors?.length) return result;
    logInternal(logger, result.errors, traceId, transport);
    return {
      ...result,
      errors: withTraceId(
        result.errors.map((error) => format(error.toJSON(), error)),
        traceId,
      ),
    } as unknown as R;
  };
}
