import type { RequestContext } from '../src/server/context.js';

export const adminResolvers = {
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
