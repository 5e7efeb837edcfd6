import type { RequestContext } from '../src/server/context.js';
import type { QueryClaimsArgs, QueryEvidenceArgs, Resolvers } from './__generated__/types.js';

/** Reads only: research jobs are enqueued with `enqueueResearch` (schema/jobs.graphql) and run on workers. */
export const researchResolvers: Resolvers = {
  Query: {
    evidence: (_: unknown, args: QueryEvidenceArgs, ctx: RequestContext) =>
      ctx.services.evidence.list({ tenant: ctx.principal.tenant, jobId: args.jobId, query: args.query, first: args.first }),
    claims: (_: unknown, args: QueryClaimsArgs, ctx: RequestContext) =>
      ctx.services.evidence.listClaims({ tenant: ctx.principal.tenant, jobId: args.jobId, status: args.status, first: args.first }),
  },
};
