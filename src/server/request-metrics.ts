import type { ApolloServerPlugin } from '@apollo/server';
import type { FastifyInstance } from 'fastify';
import { Kind, type OperationDefinitionNode } from 'graphql';
import type { Metrics } from '../observability/metrics.js';

/**
 * Names an operation by its root fields, which the schema bounds: the client-chosen operation name would let any
 * caller create label values (and Prometheus series) without limit.
 */
export function operationLabel(operation: OperationDefinitionNode | undefined): string {
  if (!operation) return 'unresolved';
  const fields = new Set<string>();
  for (const selection of operation.selectionSet.selections) fields.add(selection.kind === Kind.FIELD ? selection.name.value : 'fragment');
  const names = [...fields].sort();
  return names.length > 3 ? `${names.slice(0, 3).join('+')}+more` : names.join('+');
}

/** `cogo_graphql_operation_duration_seconds` for queries and mutations over HTTP (Apollo). */
export function graphqlMetrics(metrics: Metrics): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ operation, errors }) {
          const outcome = errors?.length ? 'error' : 'ok';
          metrics.observeGraphql(
            { type: operation?.operation ?? 'unknown', operation: operationLabel(operation ?? undefined), outcome },
            (performance.now() - started) / 1000,
          );
        },
      };
    },
  };
}

/** `cogo_http_request_duration_seconds` by route pattern (never the raw URL: ids would make a series each). */
export function registerHttpMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.observeHttp({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status: reply.statusCode }, reply.elapsedTime / 1000);
  });
}
