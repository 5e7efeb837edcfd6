import { GraphQLDateTime, GraphQLJSON } from 'graphql-scalars';
import type { EnqueueType } from '../src/queue/job-types.js';
import type { JobFilter } from '../src/queue/job-queries.js';
import type { RequestContext } from '../src/server/context.js';
import type { Resolvers } from './__generated__/types.js';

interface EnqueueArgs {
  input: Record<string, unknown>;
  idempotencyKey?: string | null;
  parentJobId?: string | null;
}

function enqueueResolver(type: EnqueueType) {
  return async (_: unknown, args: EnqueueArgs, ctx: RequestContext) => {
    const { jobId, created } = await ctx.services.jobs.enqueue({
      type,
      input: withoutNulls(args.input),
      idempotencyKey: args.idempotencyKey,
      parentJobId: args.parentJobId,
      traceId: ctx.traceId,
      principal: ctx.principal,
    });
    return { jobId, created };
  };
}

/** GraphQL sends omitted optional fields as null; the job inputs treat them as absent. */
function withoutNulls(input: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null));
}

export const jobResolvers: Resolvers = {
  JSON: GraphQLJSON,
  DateTime: GraphQLDateTime,
  Query: {
    job: (_: unknown, { id }: { id: string }, ctx: RequestContext) => ctx.services.jobs.get(id, ctx.principal),
    jobs: (_: unknown, args: { filter?: JobFilter | null; first?: number; after?: string | null }, ctx: RequestContext) =>
      ctx.services.jobQueries.list(ctx.principal, args.filter ?? {}, args.first ?? 20, args.after),
    deadLetters: (_: unknown, args: { first?: number | null }, ctx: RequestContext) => ctx.services.jobQueries.deadLetters(ctx.principal, args.first),
    queueStats: (_: unknown, __: unknown, ctx: RequestContext) => ctx.services.jobQueries.queueStats(),
    agents: (_: unknown, __: unknown, ctx: RequestContext) => ctx.services.jobQueries.agents(),
  },
  // Read only when the client asks for it: most callers want the id and nothing else.
  EnqueueResult: {
    job: (parent: { jobId: string }, _: unknown, ctx: RequestContext) => ctx.services.jobs.get(parent.jobId, ctx.principal),
  },
  Mutation: {
    enqueueResearch: enqueueResolver('research'),
    enqueueIndexing: enqueueResolver('indexing'),
    enqueueBuild: enqueueResolver('build'),
    enqueueExecute: enqueueResolver('execute'),
    enqueueOrchestrate: enqueueResolver('orchestrate'),
    cancelJob: (_: unknown, { id }: { id: string }, ctx: RequestContext) => ctx.services.jobs.cancel(id, ctx.principal),
    retryJob: (_: unknown, { id }: { id: string }, ctx: RequestContext) => ctx.services.jobs.retry(id, ctx.principal),
    requeueDeadLetter: (_: unknown, { id }: { id: string }, ctx: RequestContext) => ctx.services.jobs.retry(id, ctx.principal, true),
  },
};
