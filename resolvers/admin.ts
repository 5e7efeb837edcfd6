import type { RequestContext } from '../src/server/context.js';
import type { Resolvers } from './__generated__/types.js';

export const adminResolvers: Resolvers = {
  Query: {
    health: async (_: unknown, __: unknown, { services }: RequestContext) => {
      const readiness = await services.readiness();
      return {
        status: readiness.ok ? 'ok' : 'degraded',
        version: services.version,
        uptimeSeconds: Math.round((Date.now() - services.startedAt) / 100) / 10,
        dependencies: Object.entries(readiness.checks).map(([name, check]) => ({ name, ...check })),
      };
    },
  },
};
