import { enqueueScopes, rerunScopes } from './scopes.js';

type Args = Record<string, unknown>;

/** What one root field needs; `audit: true` records the call (job mutations are recorded by the job service). */
export interface ScopeRule {
  scopes: (args: Args) => string[];
  audit?: boolean;
}

const needs = (...scopes: string[]): ScopeRule => ({ scopes: () => scopes });
const enqueue = (type: string): ScopeRule => ({ scopes: (args) => enqueueScopes(type, args.input) });

/**
 * Every root field of schema/*.graphql and the scopes it needs (docs/security.md). A field missing here is
 * refused to everyone (fail closed), and test/integration/auth-schema-coverage.int.test.ts walks the schema, so a
 * new field without a rule fails the suite until it gets one.
 */
export const GRAPHQL_SCOPES: Readonly<Record<string, ScopeRule>> = {
  'Query.health': needs('admin'),
  'Query.job': needs('jobs:read'),
  'Query.jobs': needs('jobs:read'),
  'Query.deadLetters': needs('jobs:read'),
  'Query.queueStats': needs('admin'),
  'Query.agents': needs('admin'),
  'Query.search': needs('search'),
  'Query.evidence': needs('graph:read'),
  'Query.claims': needs('graph:read'),
  // A job's outputs (build files, logs, reports): read like the job itself; REST GET /v1/artifacts/:id the same.
  'Query.artifact': needs('jobs:read'),
  // A dry run of the orchestrator's routing: whoever may ask questions may see how one would be routed.
  'Query.route': needs('jobs:enqueue:orchestrate'),
  // Numbers over the tenant's own jobs' model calls: read like its jobs.
  'Query.routingReport': needs('jobs:read'),
  // Rates over every tenant's jobs (the durable event log): infrastructure, like queueStats.
  'Query.gateReport': needs('admin'),
  'Mutation.enqueueResearch': enqueue('research'),
  'Mutation.enqueueIndexing': enqueue('indexing'),
  'Mutation.enqueueBuild': enqueue('build'),
  'Mutation.enqueueExecute': enqueue('execute'),
  'Mutation.enqueueOrchestrate': enqueue('orchestrate'),
  'Mutation.cancelJob': needs('jobs:cancel'),
  'Mutation.retryJob': { scopes: (args) => rerunScopes(args.id) },
  'Mutation.requeueDeadLetter': { scopes: (args) => rerunScopes(args.id) },
  'Mutation.embed': { ...needs('search'), audit: true },
  'Subscription.jobEvents': needs('jobs:read'),
  'Subscription.systemEvents': needs('jobs:read'),
  // Presence names hosts and process ids: infrastructure, like `agents`.
  'Subscription.agentPresence': needs('admin'),
  'Subscription.rag': needs('search'),
  'Subscription.embed': needs('search'),
  // Enqueues an orchestrate job and streams that job (the caller's own) to its answer: enqueueOrchestrate's scope.
  'Subscription.ask': enqueue('orchestrate'),
};
