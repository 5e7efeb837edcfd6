import { AppError } from '../src/errors.js';
import type { RequestContext } from '../src/server/context.js';
import type { QueryArtifactArgs, Resolvers } from './__generated__/types.js';

/**
 * Metadata only; the bytes are served by REST `GET /v1/artifacts/:id` (the `downloadUrl`). Another tenant's
 * artifact is NOT_FOUND, the same answer as a missing one (like a job by id).
 */
export const artifactResolvers: Resolvers = {
  Query: {
    artifact: async (_: unknown, args: QueryArtifactArgs, ctx: RequestContext) => {
      const artifact = await ctx.services.artifacts.get(ctx.principal.tenant, args.id);
      if (!artifact) throw new AppError('NOT_FOUND', `artifact ${args.id} not found`, { via: 'artifacts' });
      return artifact;
    },
  },
};
