import { Queue, type Telemetry } from 'bullmq';
import type { Redis } from 'ioredis';
import { JOB_AREAS, JOB_POLICIES, type JobArea } from './job-types.js';

/** `{cogo}`: one Redis Cluster hash slot for all of COGO's keys, so BullMQ's multi-key scripts stay legal. */
export function keyPrefixOf(prefix: string): string {
  return `{${prefix}}`;
}

export type Queues = Record<JobArea, Queue>;

/** `telemetry` (bullmq-otel, when tracing is on) carries the enqueuing span's context into each job. */
export function createQueues(redis: Redis, prefix: string, telemetry?: Telemetry): Queues {
  const entries = JOB_AREAS.map((area) => {
    const policy = JOB_POLICIES[area];
    const queue = new Queue(area, {
      connection: redis,
      prefix: keyPrefixOf(prefix),
      ...(telemetry ? { telemetry } : {}),
      defaultJobOptions: {
        attempts: policy.attempts,
        backoff: { type: 'exponential', delay: policy.backoffMs, jitter: 0.5 },
        // Finished jobs stay readable in BullMQ for a week; Neo4j keeps their record after that.
        removeOnComplete: { age: 7 * 24 * 3600, count: 50_000 },
        removeOnFail: { age: 30 * 24 * 3600 },
      },
    });
    return [area, queue] as const;
  });
  return Object.fromEntries(entries) as Queues;
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.all(Object.values(queues).map((q) => q.close()));
}
