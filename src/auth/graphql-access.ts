import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { defaultFieldResolver, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { audited, type AuditLog } from '../audit/audit-log.js';
import { AppError, isAppError } from '../errors.js';
import { scopeRuleFor } from './graphql-scopes.js';
import { requireScopes, type Principal } from './principal.js';

interface AccessContext {
  principal?: Principal;
  traceId?: string;
}

type Resolver = GraphQLFieldResolver<unknown, AccessContext, Record<string, unknown>>;

/**
 * The one place GraphQL checks scopes, for every transport (HTTP, graphql-ws, graphql-sse share this schema):
 * each root field's resolver (or a subscription's `subscribe`) first checks the caller against GRAPHQL_SCOPES (`scopeRuleFor`).
 * No rule = refused. Refused mutations are audited here (they never reach the services that audit the rest).
 */
export function withScopeChecks(schema: GraphQLSchema, audit: AuditLog): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.ROOT_FIELD]: (field, fieldName, typeName) => {
      const name = `${typeName}.${fieldName}`;
      const rule = scopeRuleFor(name);
      const isMutation = typeName === schema.getMutationType()?.name;
      const guard =
        (inner: Resolver): Resolver =>
        async (source, args, context, info) => {
          const principal = context.principal;
          if (!principal) throw new AppError('UNAUTHENTICATED', 'a credential is required', { via: 'auth' });
          const who = { tenant: principal.tenant, principal: principal.id, action: `graphql.${fieldName}`, target: null, traceId: context.traceId ?? null };
          try {
            if (!rule) throw new AppError('FORBIDDEN', `${name} has no scope rule; it is refused until it gets one`, { via: 'auth' });
            requireScopes(principal, rule.scopes(args), name);
          } catch (error) {
            if (isMutation)
              audit.push({ ...who, outcome: 'refused', errorCode: isAppError(error) ? error.code : 'INTERNAL', details: {}, ts: new Date().toISOString() });
            throw error;
          }
          const run = () => Promise.resolve(inner(source, args, context, info));
          return isMutation && rule?.audit ? audited(audit, who, run) : run();
        };
      if (typeName === schema.getSubscriptionType()?.name) {
        return { ...field, subscribe: guard((field.subscribe ?? defaultFieldResolver) as Resolver) as never };
      }
      return { ...field, resolve: guard((field.resolve ?? defaultFieldResolver) as Resolver) as never };
    },
  });
}
