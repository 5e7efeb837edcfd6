import type { RagEvent, EmbedEvent } from '../src/rag/index.js';
import type { RequestContext } from '../src/server/context.js';
import type { MutationEmbedArgs, QuerySearchArgs, Resolvers, SubscriptionEmbedArgs, SubscriptionRagArgs } from './__generated__/types.js';

/** Thin: the tenant comes from the caller, validation and work from src/rag. No job: each call is short. */
export const ragResolvers: Resolvers = {
  Query: {
    search: (_: unknown, args: QuerySearchArgs, ctx: RequestContext) =>
      ctx.services.rag.search({ tenant: ctx.principal.tenant, query: args.query, k: args.k, filters: args.filters }),
  },
  Mutation: {
    embed: (_: unknown, args: MutationEmbedArgs, ctx: RequestContext) => ctx.services.rag.embeddings.embed(args.texts),
  },
  Subscription: {
    rag: {
      subscribe: (_: unknown, args: SubscriptionRagArgs, ctx: RequestContext) =>
        ctx.services.rag.stream({ tenant: ctx.principal.tenant, query: args.query, k: args.k, filters: args.filters }),
      resolve: (event: RagEvent) => event,
    },
    embed: {
      subscribe: (_: unknown, args: SubscriptionEmbedArgs, ctx: RequestContext) =>
        ctx.services.rag.embeddings.stream(args.texts, { batchSize: args.batchSize }),
      resolve: (event: EmbedEvent) => event,
    },
  },
};
