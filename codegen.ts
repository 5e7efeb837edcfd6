import type { CodegenConfig } from '@graphql-codegen/cli';

/** Resolver types from schema/*.graphql: `npm run codegen` writes resolvers/__generated__/types.ts. */
const config: CodegenConfig = {
  schema: 'schema/*.graphql',
  generates: {
    'resolvers/__generated__/types.ts': {
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        useIndexSignature: true,
        useTypeImports: true,
        mappers: {
          Job: '../../src/queue/job-view.js#JobView',
          Event: '../../src/events/event-types.js#BusEvent',
          Agent: '../../src/queue/presence.js#AgentView',
          EnqueueResult: '{ jobId: string; created: boolean }',
        },
        contextType: '../../src/server/context.js#RequestContext',
        scalars: { JSON: 'unknown', DateTime: 'string' },
        enumsAsTypes: true,
      },
    },
  },
};

export default config;
