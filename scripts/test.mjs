#!/usr/bin/env node
// `npm test`: the checks that need no services (typecheck, lint, circular imports, unit tests) run while
// `cogo services --for-tests` brings the services up, then the integration tests run against them. On two cores
// the bring-up mostly waits on JVM start-ups and the checks mostly on one core each, so overlapping them saves
// their whole length; the integration tests run alone afterwards, so nothing they time competes with them.
// Each step's output is printed in one piece when it ends, with how long it took; any failure fails the run.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const bin = (name) => `node_modules/.bin/${name}`;

/**
 * Runs a command from the project root; resolves with its exit code and duration. Its output is printed in one
 * piece at the end (steps that run side by side stay readable), or as it comes with `stream`.
 */
function run(name, command, args, { stream = false } = {}) {
  const started = performance.now();
  if (stream) process.stdout.write(`\n── ${name}\n`);
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', stream ? 'inherit' : 'pipe', stream ? 'inherit' : 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    const end = (code) => {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      process.stdout.write(`\n── ${name} (${seconds} s, ${code === 0 ? 'ok' : `exit ${code}`})\n${output}`);
      resolve({ name, code, seconds });
    };
    child.once('error', (error) => {
      output += `${error.message}\n`;
      end(127);
    });
    child.once('close', (code, signal) => end(code ?? signal));
  });
}

/** Runs the steps of `chain` one after another, stopping at the first failure. */
async function sequence(chain) {
  const results = [];
  for (const [name, command, args] of chain) {
    const result = await run(name, command, args);
    results.push(result);
    if (result.code !== 0) break;
  }
  return results;
}

const tsx = ['--import', 'tsx', 'src/cli/index.ts'];
const first = (
  await Promise.all([
    sequence([['services --for-tests', process.execPath, [...tsx, 'services', '--for-tests']]]),
    // codegen first: tsc checks the resolvers against the types generated from the schema as it is now.
    sequence([
      ['graphql-codegen', bin('graphql-codegen'), ['--config', 'codegen.ts', '--silent']],
      ['tsc', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']],
    ]),
    sequence([
      ['eslint', bin('eslint'), ['.']],
      ['prettier --check', bin('prettier'), ['--check', '**/*.{ts,mjs,js}']],
    ]),
    sequence([
      ['madge --circular', bin('madge'), ['--circular', '--extensions', 'ts', '--ts-config', 'tsconfig.json', 'src', 'agents', 'ingest', 'resolvers']],
      ['vitest unit', bin('vitest'), ['run', '--project', 'unit']],
    ]),
  ])
).flat();
const failed = first.filter((r) => r.code !== 0);
const results = failed.length
  ? first
  : [...first, await run('vitest integration', bin('vitest'), ['run', '--project', 'integration-pairs', '--project', 'integration-serial'], { stream: true })];

process.stdout.write(`\n── npm test: ${results.map((r) => `${r.name} ${r.seconds} s${r.code === 0 ? '' : ' FAILED'}`).join(', ')}\n`);
process.exit(results.every((r) => r.code === 0) ? 0 : 1);
