import type { Redis } from 'ioredis';
import { AppError } from '../errors.js';
import type { JobLineage } from '../graph/job-lineage.js';
import type { Principal } from './job-service.js';
import { JOB_AREAS, JOB_STATUSES, type JobStatus } from './job-types.js';
import { jobViewFromNode, type JobView } from './job-view.js';
import { listAgents, type AgentView } from './presence.js';
import type { Queues } from './queues.js';

const MAX_DEAD_LETTERS = 500;

export interface JobFilter {
  type?: string | null;
  status?: JobStatus | null;
  since?: string | null;
}

export interface JobPage {
  edges: { cursor: string; node: JobView }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export interface QueueStat {
  queue: string;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
  oldestWaitingAgeMs: number | null;
}

const encodeCursor = (job: JobView) => Buffer.from(JSON.stringify([job.enqueuedAt, job.id])).toString('base64url');

function decodeCursor(cursor: string): { at: string; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    if (typeof at === 'string' && typeof id === 'string') return { at, id };
  } catch {
    // fall through to the error below
  }
  throw new AppError('BAD_INPUT', 'the `after` cursor is not one this API returned', { via: 'jobs' });
}

/** Read-only views over jobs, queues and workers. */
export function createJobQueries(deps: { redis: Redis; queues: Queues; lineage: JobLineage; keyPrefix: string }) {
  async function list(principal: Principal, filter: JobFilter, first = 20, after?: string | null): Promise<JobPage> {
    if (!Number.isInteger(first) || first < 1 || first > 200) throw new AppError('BAD_INPUT', '`first` must be between 1 and 200', { via: 'jobs' });
    if (filter.type && !(JOB_AREAS as readonly string[]).includes(filter.type))
      throw new AppError('BAD_INPUT', `unknown job type "${filter.type}"`, { via: 'jobs' });
    if (filter.status && !(JOB_STATUSES as readonly string[]).includes(filter.status))
      throw new AppError('BAD_INPUT', `unknown status "${filter.status}"`, { via: 'jobs' });
    if (filter.since && Number.isNaN(Date.parse(filter.since))) throw new AppError('BAD_INPUT', '`since` must be an ISO-8601 date-time', { via: 'jobs' });
    const nodes = await deps.lineage.list({
      tenant: principal.tenant,
      type: filter.type ?? null,
      statuses: filter.status ? [filter.status] : null,
      since: filter.since ? new Date(filter.since).toISOString() : null,
      after: after ? decodeCursor(after) : null,
      limit: first + 1,
    });
    const views = nodes.slice(0, first).map(jobViewFromNode);
    const edges = views.map((node) => ({ cursor: encodeCursor(node), node }));
    return { edges, pageInfo: { hasNextPage: nodes.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  async function deadLetters(principal: Principal, first: number | null = 50): Promise<JobView[]> {
    const limit = first ?? 50;
    // Refused, not clamped: `first: -5` is a caller's mistake to hear about (issue 9).
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_DEAD_LETTERS) {
      throw new AppError('BAD_INPUT', `\`first\` must be an integer from 1 to ${MAX_DEAD_LETTERS}`, { via: 'jobs' });
    }
    const nodes = await deps.lineage.list({ tenant: principal.tenant, statuses: ['dead', 'failed'], limit });
    return nodes.map(jobViewFromNode);
  }

  async function queueStats(): Promise<QueueStat[]> {
    return Promise.all(
      JOB_AREAS.map(async (area) => {
        const queue = deps.queues[area];
        const counts = await queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed');
        const oldest = (await queue.getJobs(['waiting'], 0, 0, true))[0];
        return {
          queue: area,
          waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
          active: counts.active ?? 0,
          delayed: counts.delayed ?? 0,
          failed: counts.failed ?? 0,
          completed: counts.completed ?? 0,
          oldestWaitingAgeMs: oldest ? Date.now() - oldest.timestamp : null,
        };
      }),
    );
  }

  const agents = (): Promise<AgentView[]> => listAgents(deps.redis, deps.keyPrefix);

  return { list, deadLetters, queueStats, agents };
}

export type JobQueries = ReturnType<typeof createJobQueries>;
