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
 * new field without a rule fails the suite until it gets one. A key ending in `*` covers the fields @neo4j/graphql
 * generates from schema/graph.graphql (every generated type is named `Graph…`); an exact key wins over it.
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
  // Its options are the orchestrate job's input: asking for research or indexing children needs their scopes.
  'Subscription.ask': { scopes: (args) => enqueueScopes('orchestrate', args.options) },
  // The generated knowledge-graph reads (issue 13): graphJobs, graphDocumentsConnection, graphEvidenceFulltext, …
  // Tenant filtering is inside the generated Cypher (@authorization in schema/graph.graphql).
  'Query.graph*': needs('graph:read'),
  'Query.neighborhood': needs('graph:read'),
  'Query.evidencePath': needs('graph:read'),
  'Query.blueprintDiff': needs('graph:read'),
  'Mutation.proposeBlueprint': { ...needs('graph:write'), audit: true },
  'Mutation.acceptBlueprint': { ...needs('graph:write'), audit: true },
};

/** Whether the rule key `key` (a field name, or a prefix ending in `*`) covers the root field `name`. */
export function ruleCovers(key: string, name: string): boolean {
  return key.endsWith('*') ? name.startsWith(key.slice(0, -1)) : key === name;
}

/** The rule for one root field (`Query.job`): its own key, else the longest `*` key covering it; none = refused. */
export function scopeRuleFor(name: string): ScopeRule | undefined {
  const exact = GRAPHQL_SCOPES[name];
  if (exact) return exact;
  const keys = Object.keys(GRAPHQL_SCOPES).filter((key) => key.endsWith('*') && ruleCovers(key, name));
  const longest = keys.sort((a, b) => b.length - a.length)[0];
  return longest === undefined ? undefined : GRAPHQL_SCOPES[longest];
}
