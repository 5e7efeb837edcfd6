import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { makeExecutableSchema, mergeSchemas } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { resolvers } from '../../resolvers/index.js';
import { buildGraphSchema, GRAPH_TYPE_DEFS_FILE, type GraphSchemaOptions } from '../graph-api/graph-schema.js';
import { PROJECT_ROOT } from '../paths.js';

export const SCHEMA_DIR = path.join(PROJECT_ROOT, 'schema');

/** The SDL of schema/*.graphql, one file per area, in name order; graph.graphql is @neo4j/graphql's input, not ours. */
export function loadTypeDefs(): string[] {
  return readdirSync(SCHEMA_DIR)
    .filter((f) => f.endsWith('.graphql') && path.join(SCHEMA_DIR, f) !== GRAPH_TYPE_DEFS_FILE)
    .sort()
    .map((f) => readFileSync(path.join(SCHEMA_DIR, f), 'utf8'));
}

/** Our schema, merged with generated ones (the graph API) into the one schema every transport serves. */
export function buildSchema(generated: readonly GraphQLSchema[] = []): GraphQLSchema {
  const own = makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers });
  return generated.length === 0 ? own : mergeSchemas({ schemas: [own, ...generated] });
}

/** What every transport serves: our schema merged with the generated knowledge-graph API (schema/graph.graphql). */
export async function buildServedSchema(graph: GraphSchemaOptions): Promise<GraphQLSchema> {
  return buildSchema([await buildGraphSchema(graph)]);
}
