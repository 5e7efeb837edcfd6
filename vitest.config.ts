import { defineConfig } from 'vitest/config';

// Vite would resolve our own `import ... from 'graphql'` to graphql's ESM build while libraries (Apollo,
// graphql-ws, graphql-armor) load its CommonJS build, as Node does: two realms, and "Cannot use GraphQLSchema from
// another module or realm". Tests resolve it the way Node does.
const resolve = { alias: { graphql: 'graphql/index.js' } };

export default defineConfig({
  test: {
    projects: [
      { resolve, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node' } },
      {
        resolve,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.int.test.ts'],
          environment: 'node',
          globalSetup: ['test/integration/support/global-setup.ts'],
          // Services started by tests embed with feature hashing: fast, and what their assertions were written for.
          // The local model's own tests (test/integration/embeddings-*.int.test.ts) ask for it explicitly.
          env: { COGO_LOCAL_EMBEDDER: 'hash' },
          testTimeout: 150_000,
          hookTimeout: 120_000,
          // Integration files start servers and worker processes; two cores run them best one file at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
