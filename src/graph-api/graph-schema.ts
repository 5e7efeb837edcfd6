import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Neo4jGraphQL } from '@neo4j/graphql';
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import {
  GraphQLObjectType,
  GraphQLScalarType,
  isObjectType,
  isScalarType,
  isSpecifiedScalarType,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';
import type { Driver } from 'neo4j-driver';
import type { Principal } from '../auth/principal.js';
import { AppError } from '../errors.js';
import { PROJECT_ROOT } from '../paths.js';
import { graphClaims } from './graph-claims.js';

/** The @neo4j/graphql type definitions; not one of our own SDL files (src/server/graphql-schema.ts skips it). */
export const GRAPH_TYPE_DEFS_FILE = path.join(PROJECT_ROOT, 'schema', 'graph.graphql');

/**
 * Generated types whose names our own schema also uses (`PageInfo`, the `DateTime` scalar): renamed with the
 * `Graph` prefix every type of graph.graphql carries, so the merged schema has one meaning per name.
 * Our `DateTime` parses to a JS Date; the generated one keeps ISO strings and serializes Neo4j temporals.
 */
const RENAMED = ['PageInfo', 'DateTime'];

interface GraphContext {
  principal?: Principal;
}

type Resolver = GraphQLFieldResolver<unknown, GraphContext>;

export interface GraphSchemaOptions {
  /** Absent for schema printing and coverage checks, which execute nothing. */
  driver?: Driver;
  database: string;
}

/**
 * The generated graph API: @neo4j/graphql over schema/graph.graphql. Each root field gets the request's `jwt`
 * from the principal src/auth put in the context (the only source of tenant and scopes) and the database to use.
 */
export async function buildGraphSchema(options: GraphSchemaOptions): Promise<GraphQLSchema> {
  const typeDefs = readFileSync(GRAPH_TYPE_DEFS_FILE, 'utf8');
  const generated = await new Neo4jGraphQL({ typeDefs, ...(options.driver ? { driver: options.driver } : {}) }).getSchema();
  const sessionConfig = { database: options.database };
  const withClaims =
    (inner: Resolver): Resolver =>
    (source, args, context, info) => {
      if (!context.principal) throw new AppError('UNAUTHENTICATED', 'a credential is required', { via: 'graph' });
      return inner(source, args, { ...context, jwt: graphClaims(context.principal), sessionConfig } as GraphContext, info);
    };
  return mapSchema(generated, {
    [MapperKind.ROOT_FIELD]: (field) => (field.resolve ? { ...field, resolve: withClaims(field.resolve as Resolver) } : field),
    [MapperKind.TYPE]: (type) => {
      if (!RENAMED.includes(type.name) || (isScalarType(type) && isSpecifiedScalarType(type))) return type;
      const name = `Graph${type.name}`;
      if (isObjectType(type)) return new GraphQLObjectType({ ...type.toConfig(), name });
      if (isScalarType(type)) return new GraphQLScalarType({ ...type.toConfig(), name });
      return type;
    },
  });
}
