import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Imports follow the pipeline (docs/architecture.md, "Which folder may import which"): a layer imports the
 * layers below it, never one above. Import strings are relative, so each rule is a regular expression over the
 * path as written: `(\.\./)+agents/` is the repository's `agents/` seen from anywhere (no folder inside `src/`
 * reuses a top-level name). madge catches cycles; this catches direction.
 */
const up = (folder, why) => ({ regex: `^(\\.\\./)+${folder}/`, message: why });
const COMPOSITION_ROOT = ['src/main.ts', 'src/app.ts', 'src/runtime.ts', 'src/cli/**'];
const NOT_AGENTS = up('agents', 'agents/ sits above this layer: receive what you need as a parameter from the composition root.');
const NOT_INGEST = up(
  'ingest',
  'ingest/ holds adapters that implement ports declared in src/: import the port (e.g. src/embeddings/types.ts), not the adapter.',
);
const NOT_RESOLVERS = up('resolvers', 'resolvers/ are mounted by src/server; nothing below them may import them.');
const NOT_TRANSPORT = {
  regex: '^(\\.\\./)+(src/)?(server|cli)/',
  message: 'src/server and src/cli are transports on top of the services: services never import them.',
};
const NOT_ROOT = {
  regex: '^((\\.\\./)+(src/)?|\\./)(main|app|runtime)\\.js$',
  message:
    'the composition root (src/main.ts, src/app.ts, src/runtime.ts) wires everything; nothing it wires may import it: take narrow interfaces as parameters.',
};
const layer = (files, ignores, patterns) => ({ files, ignores, rules: { 'no-restricted-imports': ['error', { patterns }] } });

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.cogo/**',
      'services/neo4j/target/**',
      'bench/results/**',
      'web/**',
      'resolvers/__generated__/**',
      // Inputs of test/unit/layer-rule.test.ts, which lints them on purpose as if they sat in src/ or ingest/.
      'test/fixtures/layers/**',
    ],
  },
  js.configs.recommended,
  { languageOptions: { globals: { ...globals.node } } },
  ...tseslint.configs.recommended,
  {
    rules: {
      // Library code logs through the injected pino logger; the CLI and benchmarks print to stdout on purpose.
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['scripts/**', 'bench/**', 'test/**'], rules: { 'no-console': 'off' } },
  // Dependency direction, one block per layer (the blocks are disjoint: a file gets exactly one list).
  layer(['src/**/*.ts'], [...COMPOSITION_ROOT, 'src/server/**'], [NOT_AGENTS, NOT_INGEST, NOT_RESOLVERS, NOT_TRANSPORT, NOT_ROOT]),
  layer(['src/server/**/*.ts'], [], [NOT_AGENTS, NOT_INGEST, NOT_ROOT, up('(src/)?cli', 'src/cli is a client of the server, not a part of it.')]),
  layer(['resolvers/**/*.ts'], [], [NOT_AGENTS, NOT_INGEST, NOT_ROOT, up('src/cli', 'resolvers call services, not the CLI.')]),
  layer(['ingest/**/*.ts'], [], [NOT_AGENTS, NOT_RESOLVERS, NOT_TRANSPORT, NOT_ROOT]),
  layer(['agents/**/*.ts'], [], [NOT_RESOLVERS, NOT_TRANSPORT, NOT_ROOT]),
);
