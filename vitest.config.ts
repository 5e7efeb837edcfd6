import { defineConfig } from 'vitest/config';

// Vite would resolve our own `import ... from 'graphql'` to graphql's ESM build while libraries (Apollo,
// graphql-ws, graphql-armor) load its CommonJS build, as Node does: two realms, and "Cannot use GraphQLSchema from
// another module or realm". Tests resolve it the way Node does.
const resolve = { alias: { graphql: 'graphql/index.js' } };

/**
 * Integration files that may run two at a time: each owns its queue prefix, tenant and databases, asserts no
 * wall-clock bound, and mostly waits on servers and child processes, so a second file uses the idle core. The
 * rest run one at a time after them: they time something (recovery, rate windows, latencies, progress), kill
 * workers on purpose, or keep a core busy (JVM start-ups, the local model, a browser, a large index).
 * docs/runbook.md § Tests and CI says how to choose for a new file.
 */
const IN_PAIRS = [
  'artifact-store-contract',
  'ask-interfaces',
  'ask-route',
  'auth-schema-coverage',
  'browser-queries',
  'build-agent',
  'build-artifact-store',
  'build-git',
  'build-isolation',
  'cli-jobs',
  'execute-ledger',
  'figma-import',
  'graph-api',
  'graphql-limits',
  'http-server',
  'indexing-bad-input',
  'indexing-incremental',
  'issue-9-bad-input',
  'job-lineage',
  'jobs-enqueue',
  'llm-client',
  'llm-escalation',
  'migrations',
  'orchestrate-agent',
  'orchestrate-flow',
  'rag-retrieval',
  'rag-vector-store',
  'research-agent',
  'research-sources',
  'rest-api',
  'sources-http-json',
  'test-data-cleanup',
].map((name) => `test/integration/${name}.int.test.ts`);

const integration = {
  environment: 'node' as const,
  globalSetup: ['test/integration/support/global-setup.ts'],
  // Services started by tests embed with feature hashing: fast, and what their assertions were written for.
  // The local model's own tests (test/integration/embeddings-*.int.test.ts) ask for it explicitly.
  env: { COGO_LOCAL_EMBEDDER: 'hash' },
  testTimeout: 150_000,
  hookTimeout: 120_000,
};

export default defineConfig({
  test: {
    projects: [
      { resolve, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node' } },
      // The two integration groups run one after the other (groupOrder), never beside each other.
      {
        resolve,
        test: { ...integration, name: 'integration-pairs', include: IN_PAIRS, maxWorkers: 2, sequence: { groupOrder: 1 } },
      },
      {
        resolve,
        test: {
          ...integration,
          name: 'integration-serial',
          include: ['test/integration/**/*.int.test.ts'],
          exclude: IN_PAIRS,
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
