import type { RequestContext } from '../src/server/context.js';
import type { QueryRouteArgs, Resolvers } from './__generated__/types.js';

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
  },
};
