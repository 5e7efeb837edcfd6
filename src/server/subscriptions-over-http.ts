import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';

/**
 * Plain POST /graphql cannot stream: Apollo ran a subscription there as a query, its resolver got no event and the
 * caller got INTERNAL (issue 9). Refused before execution as the caller's mistake, naming where it works.
 */
export const refuseSubscriptionsOverHttp: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation }) {
        // No operation (an unknown operationName) is Apollo's to report, as OPERATION_RESOLUTION_FAILURE.
        if (operation?.operation !== 'subscription') return;
        throw new GraphQLError('subscriptions are served over graphql-ws (/graphql) and graphql-sse (/graphql/stream), not plain HTTP POST', {
          extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
        });
      },
    };
  },
};
