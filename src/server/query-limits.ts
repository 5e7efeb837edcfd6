import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { GraphQLError, specifiedRules, validate, type DocumentNode, type GraphQLSchema, type ValidationContext, type ValidationRule } from 'graphql';

/**
 * Limits on what one GraphQL document may ask for (DESIGN §7: deep or expensive queries are bad input): far above
 * what the job and event API needs (no query of it nests beyond 5 levels), and in place before the graph API's
 * nested reads arrive, so that no single request can walk the graph without end. Violations fail validation:
 * BAD_INPUT, and nothing runs. graphql-armor's rules (maintained, used with Apollo) rather than our own visitors.
 */
export const QUERY_LIMITS = { depth: 12, aliases: 30, directives: 30, cost: 20_000 } as const;

// Reported as validation errors, like GraphQL's own rules (graphql-armor throws them by default, which the
// transports would treat as internal failures).
// graphql-armor labels its refusals "Syntax Error:", which reads as a malformed document; the document parsed
// fine and only exceeded a limit, so the message says that instead (issue 9).
const asValidationError = {
  exposeLimits: true,
  propagateOnRejection: false,
  onReject: [
    (context: ValidationContext | null, error: GraphQLError) =>
      context?.reportError(new GraphQLError(`query limit: ${error.message.replace(/^Syntax Error: /, '')}`, { nodes: error.nodes })),
  ],
};

export const queryLimitRules: readonly ValidationRule[] = [
  maxDepthRule({ n: QUERY_LIMITS.depth, ...asValidationError }),
  maxAliasesRule({ n: QUERY_LIMITS.aliases, ...asValidationError }),
  maxDirectivesRule({ n: QUERY_LIMITS.directives, ...asValidationError }),
  costLimitRule({ maxCost: QUERY_LIMITS.cost, ...asValidationError }),
] as unknown as ValidationRule[];

/** `validate` with the limits, for the subscription transports (graphql-ws, graphql-sse); Apollo takes the rules. */
export function validateWithLimits(schema: GraphQLSchema, document: DocumentNode): ReturnType<typeof validate> {
  return validate(schema, document, [...specifiedRules, ...queryLimitRules]);
}
