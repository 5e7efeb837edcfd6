import type { RequestContext } from '../src/server/context.js';
import type {
  MutationAcceptBlueprintArgs,
  MutationProposeBlueprintArgs,
  QueryBlueprintDiffArgs,
  QueryEvidencePathArgs,
  QueryNeighborhoodArgs,
  Resolvers,
} from './__generated__/types.js';

/**
 * Blueprints and exploration (schema/blueprints.graphql, schema/explore.graphql); the generated graph reads are
 * @neo4j/graphql's (src/graph-api/graph-schema.ts). Every call is confined to the caller's tenant.
 */
export const graphResolvers: Resolvers = {
  Query: {
    blueprintDiff: (_: unknown, args: QueryBlueprintDiffArgs, ctx: RequestContext) =>
      ctx.services.blueprints.diff(ctx.principal.tenant, args.fromId, args.toId),
    neighborhood: (_: unknown, args: QueryNeighborhoodArgs, ctx: RequestContext) =>
      ctx.services.explorer.neighborhood(ctx.principal.tenant, args.id, args.depth ?? 1, args.labels ?? []),
    evidencePath: (_: unknown, args: QueryEvidencePathArgs, ctx: RequestContext) => ctx.services.explorer.evidencePath(ctx.principal.tenant, args.claimId),
  },
  Mutation: {
    proposeBlueprint: async (_: unknown, args: MutationProposeBlueprintArgs, ctx: RequestContext) => {
      // Another tenant's job (or none) is NOT_FOUND, as everywhere else.
      if (args.jobId) await ctx.services.jobs.get(args.jobId, ctx.principal);
      return ctx.services.blueprints.propose(ctx.principal.tenant, ctx.principal.id, { ...args.input, jobId: args.jobId });
    },
    acceptBlueprint: (_: unknown, args: MutationAcceptBlueprintArgs, ctx: RequestContext) =>
      ctx.services.blueprints.accept(ctx.principal.tenant, args.id, ctx.principal.id),
  },
};
