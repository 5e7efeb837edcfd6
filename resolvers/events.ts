import type { BusEvent, StreamName } from '../src/events/event-types.js';
import { onlyTenant } from '../src/events/tenant-filter.js';
import type { RequestContext } from '../src/server/context.js';
import type { Resolvers } from './__generated__/types.js';

const asPayload = (event: BusEvent) => event;

/**
 * Checks `after` before the stream is opened: a bad cursor is then a BAD_INPUT answer on every transport, where
 * an error thrown by the open stream made graphql-sse drop the socket (issue 9).
 */
async function openStream(ctx: RequestContext, stream: StreamName, after: string | null | undefined, fromNow = false) {
  if (after) await ctx.services.events.assertCursor(stream, after);
  return ctx.services.events.subscribe(stream, { after: after ?? undefined, fromNow });
}

export const eventResolvers: Resolvers = {
  Subscription: {
    jobEvents: {
      // The job must exist (and belong to the caller's tenant) before its stream is opened.
      subscribe: async (_: unknown, args: { jobId: string; after?: string | null }, ctx: RequestContext) => {
        await ctx.services.jobs.get(args.jobId, ctx.principal);
        return openStream(ctx, { kind: 'job', jobId: args.jobId }, args.after);
      },
      resolve: asPayload,
    },
    systemEvents: {
      subscribe: async (_: unknown, args: { after?: string | null; fromNow?: boolean | null }, ctx: RequestContext) =>
        onlyTenant(await openStream(ctx, { kind: 'system' }, args.after, args.fromNow ?? false), ctx.principal.tenant),
      resolve: asPayload,
    },
    // Workers are shared infrastructure, not tenant data: presence (hosts, pids) is for `admin` (src/auth/graphql-scopes.ts).
    agentPresence: {
      subscribe: (_: unknown, args: { after?: string | null; fromNow?: boolean | null }, ctx: RequestContext) =>
        openStream(ctx, { kind: 'agents' }, args.after, args.fromNow ?? false),
      resolve: asPayload,
    },
  },
};
