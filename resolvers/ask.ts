import type { BusEvent } from '../src/events/event-types.js';
import type { RequestContext } from '../src/server/context.js';
import type { QueryRouteArgs, QueryRoutingReportArgs, Resolvers, SubscriptionAskArgs } from './__generated__/types.js';

/** What `ask` passes on from the job's stream; it ends after the answer or after the job's end without one. */
const ASK_EVENTS = new Set(['meta', 'llm.delta', 'llm.done', 'job.dead', 'job.cancelled']);
const ENDS_ASK = new Set(['llm.done', 'job.dead', 'job.cancelled']);

/** GraphQL sends omitted optional fields as null; the job input treats them as absent (one level down too). */
function withoutNulls(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => [k, typeof v === 'object' && !Array.isArray(v) ? withoutNulls(v as Record<string, unknown>) : v]),
  );
}

/** The job's events that answer the question, up to and including the one that ends it; closing it closes the stream. */
function askEvents(events: AsyncIterableIterator<BusEvent>): AsyncIterableIterator<BusEvent> {
  async function* pick(): AsyncGenerator<BusEvent> {
    for await (const event of events) {
      if (!ASK_EVENTS.has(event.type)) continue;
      yield event;
      if (ENDS_ASK.has(event.type)) return;
    }
  }
  const picked = pick();
  return {
    next: () => picked.next(),
    // A client that goes away: the bus stream is woken and closed first (its return() aborts a pending read).
    return: async (value?: unknown) => {
      await events.return?.();
      return picked.return(value as never);
    },
    throw: (error?: unknown) => picked.throw(error),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/** Thin: the router is pure and fast (< 2 ms), so the dry run answers inline; bad input is BAD_INPUT from the router. */
export const askResolvers: Resolvers = {
  Query: {
    route: (_: unknown, args: QueryRouteArgs, ctx: RequestContext) => {
      const decision = ctx.services.router.route({
        request: args.request,
        taskType: args.taskType ?? undefined,
        contextTokens: args.contextTokens ?? undefined,
        risk: args.risk ?? undefined,
        accuracy: args.accuracy ?? undefined,
        budgetUsd: args.budgetUsd ?? undefined,
      });
      return { ...decision, scores: Object.entries(decision.scores).map(([name, value]) => ({ name, value })) };
    },
    // `since` arrives as a Date (graphql-scalars' DateTime parses it); the tenant is the caller's, never an argument.
    routingReport: async (_: unknown, args: QueryRoutingReportArgs, ctx: RequestContext) => {
      const report = await ctx.services.routingReports.report(ctx.principal.tenant, (args.since as unknown as Date | null | undefined) ?? null);
      return { ...report, since: report.since?.toISOString() ?? null };
    },
  },
  Subscription: {
    // An orchestrate job like any other (input checked, audited, tenant-confined); the stream is opened from its
    // first event, so nothing the worker emits before the client listens is missed.
    ask: {
      subscribe: async (_: unknown, args: SubscriptionAskArgs, ctx: RequestContext) => {
        const input = withoutNulls({ ...(args.options ?? {}), question: args.question });
        const { jobId } = await ctx.services.jobs.enqueue({ type: 'orchestrate', input, traceId: ctx.traceId, principal: ctx.principal });
        return askEvents(ctx.services.events.subscribe({ kind: 'job', jobId }));
      },
      resolve: (event: BusEvent) => event,
    },
  },
};
