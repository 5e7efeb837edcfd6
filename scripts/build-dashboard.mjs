#!/usr/bin/env node
// Builds the COGO dashboard (web/dashboard/) into static files in dist/dashboard/ with esbuild: index.html,
// one JS bundle (graphql-ws and cytoscape included) and its CSS. No CDN at run time.
//
// Run by `npm install` (postinstall), after build-graphiql.mjs. Skips when dist/dashboard/index.html is newer
// than the sources and this script, and the bundled packages' versions are the ones it was built with.
//   node scripts/build-dashboard.mjs [--force]
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pageHtml } from './page-html.mjs';
import { packageVersion } from './package-version.mjs';

const TAG = 'build-dashboard';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SRC_DIR = path.join(ROOT, 'web', 'dashboard');
const OUT_DIR = path.join(ROOT, 'dist', 'dashboard');
const STAMP = path.join(OUT_DIR, '.stamp');
const PACKAGES = ['cytoscape', 'graphql-ws', 'esbuild'];
const force = process.argv.includes('--force');
const require = createRequire(path.join(ROOT, 'package.json'));

async function newestSource() {
  const files = (await readdir(SRC_DIR)).map((f) => path.join(SRC_DIR, f));
  const times = await Promise.all([...files, SRC_DIR, fileURLToPath(import.meta.url)].map(async (f) => (await stat(f)).mtimeMs));
  return Math.max(...times);
}

const versions = Object.fromEntries(PACKAGES.map((p) => [p, packageVersion(ROOT, p)]));
const missing = PACKAGES.filter((p) => !versions[p]);
if (missing.length) {
  // `npm ci --omit=dev`: the bundler and cytoscape are devDependencies; keep whatever dist/dashboard has.
  const message = `missing packages (${missing.join(', ')}); dashboard assets not built`;
  if (force) {
    console.error(`${TAG}: FAILED: ${message}`);
    process.exit(1);
  }
  console.warn(`${TAG}: skipped: ${message}`);
  process.exit(0);
}
if (!force && existsSync(STAMP)) {
  const stamp = JSON.parse(readFileSync(STAMP, 'utf8'));
  if (JSON.stringify(stamp.versions) === JSON.stringify(versions) && (await stat(path.join(OUT_DIR, 'index.html'))).mtimeMs > (await newestSource())) {
    console.log(`${TAG}: dist/dashboard is up to date; skipped (use --force to rebuild)`);
    process.exit(0);
  }
}

const started = performance.now();
const esbuild = await import(require.resolve('esbuild'));
// Built beside and swapped in: a failed build never leaves a half-written folder behind a running server.
const TMP_DIR = `${OUT_DIR}.tmp-${process.pid}`;
await rm(TMP_DIR, { recursive: true, force: true });
await mkdir(TMP_DIR, { recursive: true });
try {
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: { main: path.join(SRC_DIR, 'main.js') },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome100', 'firefox100', 'safari15.4'],
    outdir: TMP_DIR,
    entryNames: '[name]-[hash]',
    legalComments: 'linked',
    metafile: true,
    logLevel: 'silent',
  });
  const outputs = Object.keys(result.metafile.outputs).map((f) => path.basename(f));
  const js = outputs.find((f) => f.endsWith('.js'));
  const css = outputs.find((f) => f.endsWith('.css'));
  await writeFile(path.join(TMP_DIR, 'index.html'), pageHtml({ title: 'COGO dashboard', jsFile: js, cssFiles: css ? [css] : [] }));
  await writeFile(path.join(TMP_DIR, '.stamp'), `${JSON.stringify({ versions, files: outputs, builtAt: new Date().toISOString() }, null, 2)}\n`);
} catch (error) {
  await rm(TMP_DIR, { recursive: true, force: true });
  console.error(`${TAG}: FAILED: ${(error.errors ?? [error]).map((e) => e.text ?? e.message).join('; ')}`);
  process.exit(1);
}
await rm(OUT_DIR, { recursive: true, force: true });
await rename(TMP_DIR, OUT_DIR);
console.log(`${TAG}: built dist/dashboard in ${((performance.now() - started) / 1000).toFixed(1)}s`);
