import type { RequestContext } from '../src/server/context.js';
import type { QueryArtifactArgs, Resolvers } from './__generated__/types.js';

/** Metadata only; the bytes are served by REST `GET /v1/artifacts/:id` (the `downloadUrl`). */
export const artifactResolvers: Resolvers = {
  Query: {
    artifact: async (_: unknown, args: QueryArtifactArgs, ctx: RequestContext) => (await ctx.services.artifacts.get(ctx.principal.tenant, args.id)) ?? null,
  },
};
