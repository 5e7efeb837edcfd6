import { JOB_AREAS } from '../queue/job-types.js';

/** Every scope a credential may hold (DESIGN §7; docs/security.md says what each allows). */
export const SCOPES = [
  ...JOB_AREAS.map((area) => `jobs:enqueue:${area}`),
  'jobs:read',
  'jobs:cancel',
  'index:write',
  'index:delete',
  'build:network',
  'search',
  'graph:read',
  'graph:write',
  'admin',
] as const;

const EXECUTE_ACTION = /^execute:[A-Za-z0-9_.-]{1,100}$/;

/** A scope `cogo keys create` accepts: a listed one, `execute:<action>`, a `prefix:*` wildcard of those, or `*`. */
export function isKnownScope(scope: string): boolean {
  if (scope === '*' || (SCOPES as readonly string[]).includes(scope) || EXECUTE_ACTION.test(scope)) return true;
  if (!scope.endsWith(':*')) return false;
  const prefix = scope.slice(0, -1);
  return [...SCOPES, 'execute:'].some((known) => known.startsWith(prefix));
}

/**
 * What enqueuing a job of `type` needs, whichever transport asks: its queue's scope, and what the job will do —
 * indexing writes the index (and deletes from it with `prune`), an execute job performs its action.
 */
export function enqueueScopes(type: string, input: unknown): string[] {
  const scopes = [`jobs:enqueue:${type}`];
  if (type === 'indexing') {
    scopes.push('index:write');
    // Pruning deletes indexed files that only fell out of the job's filters: a deletion, with its own scope.
    if (input && typeof input === 'object' && (input as { prune?: unknown }).prune === true) scopes.push('index:delete');
  }
  // A build with the host's network reaches whatever the worker's machine reaches (its services included).
  if (type === 'build' && input && typeof input === 'object' && (input as { network?: unknown }).network === true) scopes.push('build:network');
  // An orchestrate job that decomposes into research and indexing children enqueues them for its caller.
  if (type === 'orchestrate' && input && typeof input === 'object') {
    if ((input as { research?: unknown }).research != null) scopes.push('jobs:enqueue:research');
    if ((input as { index?: unknown }).index != null) scopes.push('jobs:enqueue:indexing', 'index:write');
    // A proposed blueprint is a graph write like proposeBlueprint's, on the caller's behalf.
    if ((input as { proposeBlueprint?: unknown }).proposeBlueprint != null) scopes.push('graph:write');
  }
  if (type === 'execute') scopes.push(...executeActionScopes(input));
  return scopes;
}

/**
 * `execute:<action>` for each action a flow names (the one-action form or every step). A missing or odd action
 * is the job input's to refuse (BAD_INPUT); the scope check asks for the actions named.
 */
function executeActionScopes(input: unknown): string[] {
  const body = input && typeof input === 'object' ? (input as { action?: unknown; steps?: unknown }) : {};
  const steps = Array.isArray(body.steps) ? (body.steps as unknown[]) : [];
  const named = steps.length > 0 ? steps.map((s) => (s && typeof s === 'object' ? (s as { action?: unknown }).action : undefined)) : [body.action];
  return [...new Set(named.map((a) => `execute:${typeof a === 'string' ? a : ''}`))];
}

/** Re-running a job is enqueuing it again: it needs its type's enqueue scope (the type is the job id's prefix). */
export function rerunScopes(jobId: unknown): string[] {
  const area = typeof jobId === 'string' ? JOB_AREAS.find((a) => jobId.startsWith(`${a}-`)) : undefined;
  return ['jobs:read', `jobs:enqueue:${area ?? 'unknown'}`];
}
