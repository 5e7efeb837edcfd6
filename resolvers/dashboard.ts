import { AppError } from '../src/errors.js';
import type { RequestContext } from '../src/server/context.js';
import type { QueryGateReportArgs } from './__generated__/types.js';

export const dashboardResolvers = {
  Query: {
    gateReport: async (_: unknown, args: QueryGateReportArgs, ctx: RequestContext) => {
      const hours = args.hours ?? 24;
      const buckets = args.buckets ?? 24;
      if (!Number.isInteger(hours) || hours < 1 || hours > 720) throw new AppError('BAD_INPUT', 'hours must be 1–720', { via: 'graphql' });
      if (!Number.isInteger(buckets) || buckets < 1 || buckets > 200) throw new AppError('BAD_INPUT', 'buckets must be 1–200', { via: 'graphql' });
      return ctx.services.gates.report({ hours, buckets });
    },
  },
};
