import type { RequestContext } from '../src/server/context.js';
import type { QueryClaimsArgs, QueryEvidenceArgs, Resolvers } from './__generated__/types.js';

/** Another tenant's job (or none) is NOT_FOUND, as everywhere else, rather than a quiet empty list. */
async function assertJobVisible(jobId: string | null | undefined, ctx: RequestContext): Promise<void> {
  if (jobId) await ctx.services.jobs.get(jobId, ctx.principal);
}

/** Reads only: research jobs are enqueued with `enqueueResearch` (schema/jobs.graphql) and run on workers. */
export const researchResolvers: Resolvers = {
  Query: {
    evidence: async (_: unknown, args: QueryEvidenceArgs, ctx: RequestContext) => {
      await assertJobVisible(args.jobId, ctx);
      return ctx.services.evidence.list({ tenant: ctx.principal.tenant, jobId: args.jobId, query: args.query, first: args.first });
    },
    claims: async (_: unknown, args: QueryClaimsArgs, ctx: RequestContext) => {
      await assertJobVisible(args.jobId, ctx);
      return ctx.services.evidence.listClaims({ tenant: ctx.principal.tenant, jobId: args.jobId, status: args.status, first: args.first });
    },
  },
};
