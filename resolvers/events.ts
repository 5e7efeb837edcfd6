import type { BusEvent } from '../src/events/event-types.js';
import { onlyTenant } from '../src/events/tenant-filter.js';
import type { RequestContext } from '../src/server/context.js';
import type { Resolvers } from './__generated__/types.js';

const asPayload = (event: BusEvent) => event;

export const eventResolvers: Resolvers = {
  Subscription: {
    jobEvents: {
      // The job must exist (and belong to the caller's tenant) before its stream is opened.
      subscribe: async (_: unknown, args: { jobId: string; after?: string | null }, ctx: RequestContext) => {
        await ctx.services.jobs.get(args.jobId, ctx.principal);
        return ctx.services.events.subscribe({ kind: 'job', jobId: args.jobId }, { after: args.after ?? undefined });
      },
      resolve: asPayload,
    },
    systemEvents: {
      subscribe: (_: unknown, args: { after?: string | null }, ctx: RequestContext) =>
        onlyTenant(ctx.services.events.subscribe({ kind: 'system' }, { after: args.after ?? undefined }), ctx.principal.tenant),
      resolve: asPayload,
    },
    // Workers are shared infrastructure, not tenant data: presence (hosts, pids) is for `admin` (src/auth/graphql-scopes.ts).
    agentPresence: {
      subscribe: (_: unknown, args: { after?: string | null }, ctx: RequestContext) =>
        ctx.services.events.subscribe({ kind: 'agents' }, { after: args.after ?? undefined }),
      resolve: asPayload,
    },
  },
};
