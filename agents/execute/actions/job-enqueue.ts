import { z } from 'zod';
import { enqueueScopes } from '../../../src/auth/scopes.js';
import type { JobService } from '../../../src/queue/job-service.js';
import { ENQUEUE_TYPES } from '../../../src/queue/job-types.js';
import { defineAction } from '../action.js';

const input = z
  .object({
    type: z.enum(ENQUEUE_TYPES),
    input: z.record(z.string(), z.unknown()),
  })
  .strict();

type Input = z.infer<typeof input>;

/**
 * Starts another agent's job as a child (`CHILD_OF` this one), for the flow's principal. The step's key is the
 * child's idempotency key: a re-run finds the same child instead of starting a second. Compensation cancels a
 * child still queued or running; one that already finished cannot be undone.
 */
export function jobEnqueueAction(jobs: Pick<JobService, 'enqueue' | 'cancel'>) {
  return defineAction<Input, { jobId: string }>({
    name: 'job.enqueue',
    description: "start another agent's job as a child of this one",
    input,
    // The child's own enqueue scopes, as if the caller had enqueued it directly.
    scopes: (given) => enqueueScopes(given.type, given.input),
    rateLimit: { perSec: 10, burst: 10, onLimit: 'delay' },
    async run(given, ctx) {
      const { jobId } = await jobs.enqueue({
        type: given.type,
        input: given.input,
        idempotencyKey: ctx.idempotencyKey,
        parentJobId: ctx.jobId,
        traceId: ctx.traceId,
        principal: ctx.principal,
      });
      return { output: { jobId } };
    },
    async compensate(_given, output, ctx) {
      await jobs.cancel(output.jobId, ctx.principal);
      return 'undone';
    },
  });
}
