import type { JobFacts } from '../graph/job-lineage.js';
import { JOB_POLICIES, type JobArea } from './job-types.js';

/** What BullMQ carries for every job: the validated input and the job contract's envelope. */
export interface JobData {
  input: unknown;
  meta: { tenant: string; traceId: string; principal: string; idempotencyKey: string | null; parentJobId: string | null; enqueuedAt: string };
}

/** A build's `env` (name → secret value), if the object has one: the job's, or a step's. */
function envOf(input: unknown): Record<string, unknown> | undefined {
  if (!input || typeof input !== 'object' || !('env' in input) || !input.env || typeof input.env !== 'object') return undefined;
  return input.env as Record<string, unknown>;
}

function stepsOf(input: unknown): unknown[] | undefined {
  if (!input || typeof input !== 'object' || !('steps' in input) || !Array.isArray(input.steps)) return undefined;
  return input.steps as unknown[];
}

const hidden = (env: Record<string, unknown>) => Object.fromEntries(Object.keys(env).map((name) => [name, '***']));

/**
 * What may be shown of an input: a build's `env` values — the job's and each step's — are secrets (tokens,
 * passwords). BullMQ keeps the real values for the worker; the graph record and every response carry `***`.
 */
export function redactInput(input: unknown): unknown {
  const env = envOf(input);
  const steps = stepsOf(input);
  if (!env && !steps?.some((step) => envOf(step))) return input;
  return {
    ...(input as object),
    ...(env ? { env: hidden(env) } : {}),
    ...(steps ? { steps: steps.map((step) => (envOf(step) ? { ...(step as object), env: hidden(envOf(step) ?? {}) } : step)) } : {}),
  };
}

/** True for an input whose shown form hides values (see redactInput). */
export function hasRedactedSecrets(input: unknown): boolean {
  return Object.keys(envOf(input) ?? {}).length > 0 || (stepsOf(input) ?? []).some((step) => Object.keys(envOf(step) ?? {}).length > 0);
}

/**
 * The fixed facts of a job's `(:Job)` record, from BullMQ's copy of it: the control plane writes them at
 * enqueue, and the worker that starts the job writes them too if they have not landed yet.
 */
export function jobFactsOf(jobId: string, type: JobArea, data: JobData): JobFacts {
  return {
    id: jobId,
    type,
    tenant: data.meta.tenant,
    traceId: data.meta.traceId,
    idempotencyKey: data.meta.idempotencyKey,
    parentJobId: data.meta.parentJobId,
    principal: data.meta.principal,
    enqueuedAt: data.meta.enqueuedAt,
    maxAttempts: JOB_POLICIES[type].attempts,
    inputJson: JSON.stringify(redactInput(data.input)),
  };
}
