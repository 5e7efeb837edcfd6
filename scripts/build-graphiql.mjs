#!/usr/bin/env node
// Builds the COGO GraphiQL page (web/graphiql/) into static files in
// dist/graphiql/ with esbuild: index.html, JS (ESM, code-split), CSS, and the
// three Monaco web workers (editor, json, graphql). No CDN at run time.
//
// Run by `npm install` (postinstall). Skips when dist/graphiql/index.html is
// newer than the sources and .stamp records the same package versions.
//   node scripts/build-graphiql.mjs [--force]
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pageHtml } from './page-html.mjs';
import { packageVersion } from './package-version.mjs';

const TAG = 'build-graphiql';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SRC_DIR = path.join(ROOT, 'web', 'graphiql');
const ENTRY = path.join(SRC_DIR, 'main.jsx');
const OUT_DIR = path.join(ROOT, 'dist', 'graphiql');
const STAMP = path.join(OUT_DIR, '.stamp');
const SELF = fileURLToPath(import.meta.url);
const force = process.argv.includes('--force');
const started = performance.now();

// Packages whose versions decide whether the output is current.
const PACKAGES = [
  'graphiql',
  '@graphiql/react',
  '@graphiql/toolkit',
  'monaco-editor',
  'monaco-graphql',
  'react',
  'react-dom',
  'graphql',
  'graphql-ws',
  'esbuild',
];

// Monaco worker label -> module. `editor` is the fallback for any other label.
const WORKERS = {
  editor: 'monaco-editor/esm/vs/editor/editor.worker.js',
  json: 'monaco-editor/esm/vs/language/json/json.worker.js',
  graphql: 'monaco-graphql/esm/graphql.worker.js',
};

const require = createRequire(path.join(ROOT, 'package.json'));

function fail(message) {
  console.error(`${TAG}: FAILED: ${message}`);
  process.exit(1);
}

async function newestMtime(paths) {
  let newest = 0;
  for (const p of paths) {
    const s = await stat(p);
    // A directory's own mtime counts too: it changes when a file is removed.
    newest = Math.max(newest, s.mtimeMs);
    if (s.isDirectory()) {
      const entries = await readdir(p);
      newest = Math.max(newest, await newestMtime(entries.map((e) => path.join(p, e))));
    }
  }
  return newest;
}

async function upToDate(versions) {
  try {
    const stamp = JSON.parse(await readFile(STAMP, 'utf8'));
    if (JSON.stringify(stamp.versions) !== JSON.stringify(versions)) return false;
    for (const f of stamp.files ?? []) if (!existsSync(path.join(OUT_DIR, f))) return false;
    const built = (await stat(path.join(OUT_DIR, 'index.html'))).mtimeMs;
    return built > (await newestMtime([SRC_DIR, SELF]));
  } catch {
    return false;
  }
}

function formatBytes(n) {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : `${Math.round(n / 1024)} KiB`;
}

const versions = Object.fromEntries(PACKAGES.map((p) => [p, packageVersion(ROOT, p)]));
const missing = PACKAGES.filter((p) => !versions[p]);
if (missing.length) {
  // e.g. `npm ci --omit=dev`: the build tools are devDependencies. Don't break
  // the install; keep whatever dist/graphiql/ is there.
  const msg = `missing packages (${missing.join(', ')}); GraphiQL assets not built`;
  if (force) fail(msg);
  console.warn(`${TAG}: skipped: ${msg}`);
  process.exit(0);
}
if (!existsSync(ENTRY)) fail(`entry not found: ${path.relative(ROOT, ENTRY)}`);

if (!force && (await upToDate(versions))) {
  console.log(`${TAG}: dist/graphiql is up to date (graphiql ${versions.graphiql}); skipped (use --force to rebuild)`);
  process.exit(0);
}

let esbuild;
try {
  esbuild = await import(require.resolve('esbuild'));
} catch (err) {
  fail(`cannot load esbuild: ${err.message}`);
}

// Build into a temp dir and swap at the end, so a failed build never leaves a
// half-written dist/graphiql/ behind and a running server keeps working.
const TMP_DIR = `${OUT_DIR}.tmp-${process.pid}`;
const OLD_DIR = `${OUT_DIR}.old-${process.pid}`;
await rm(TMP_DIR, { recursive: true, force: true });
await mkdir(TMP_DIR, { recursive: true });

const common = {
  absWorkingDir: ROOT,
  bundle: true,
  minify: true,
  platform: 'browser',
  target: ['es2022', 'chrome100', 'firefox100', 'safari15.4'],
  define: { 'process.env.NODE_ENV': '"production"' },
  legalComments: 'linked',
  outdir: TMP_DIR,
  metafile: true,
  write: true,
  logLevel: 'silent',
  loader: {
    '.ttf': 'file',
    '.woff': 'file',
    '.woff2': 'file',
    '.eot': 'file',
    '.svg': 'file',
    '.png': 'file',
  },
  assetNames: '[name]-[hash]',
};

// monaco-editor's ESM sources `import './x.css'` from JS. graphiql/style.css
// already contains all of Monaco's CSS (and the codicon font, inlined), so drop
// those imports instead of emitting CSS for lazily loaded chunks that nothing
// would link.
const dropMonacoCss = {
  name: 'drop-monaco-css',
  setup(build) {
    build.onResolve({ filter: /\.css$/ }, (args) =>
      /[\\/]node_modules[\\/]monaco-editor[\\/]/.test(args.importer) ? { path: args.path, namespace: 'drop-monaco-css' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'drop-monaco-css' }, () => ({ contents: '', loader: 'js' }));
  },
};

function outputsOf(result, dir) {
  return Object.keys(result.metafile.outputs).map((f) => path.relative(dir, path.resolve(ROOT, f)));
}

function formatErrors(err) {
  const errors = err?.errors ?? [];
  if (!errors.length) return err?.message ?? String(err);
  return errors
    .slice(0, 5)
    .map((e) => (e.location ? `${e.location.file}:${e.location.line}:${e.location.column}: ${e.text}` : e.text))
    .join('; ');
}

let files;
try {
  // 1. Workers: classic (IIFE) scripts, one self-contained file each.
  const workerResult = await esbuild.build({
    ...common,
    entryPoints: Object.entries(WORKERS).map(([label, mod]) => ({ in: require.resolve(mod), out: `${label}.worker` })),
    format: 'iife',
    entryNames: '[name]-[hash]',
    plugins: [dropMonacoCss],
  });
  const workerFiles = {};
  for (const [out, meta] of Object.entries(workerResult.metafile.outputs)) {
    if (!meta.entryPoint) continue;
    const name = path.basename(out);
    workerFiles[name.slice(0, name.indexOf('.worker'))] = name;
  }
  for (const label of Object.keys(WORKERS)) {
    if (!workerFiles[label]) throw new Error(`worker output for "${label}" not found`);
  }

  // 2. Page: ESM with code splitting (GraphiQL lazy-loads Monaco and Prettier).
  // All files stay flat in one folder: index.html and import.meta.url-relative
  // worker URLs then work wherever the folder is mounted.
  const pageResult = await esbuild.build({
    ...common,
    entryPoints: { main: ENTRY },
    format: 'esm',
    splitting: true,
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    jsx: 'automatic',
    define: { ...common.define, __COGO_GRAPHIQL_WORKERS__: JSON.stringify(workerFiles) },
    plugins: [dropMonacoCss],
  });
  const [mainJs, mainMeta] =
    Object.entries(pageResult.metafile.outputs).find(([f, m]) => f.endsWith('.js') && m.entryPoint && path.resolve(ROOT, m.entryPoint) === ENTRY) ?? [];
  if (!mainJs) throw new Error('main bundle not found in esbuild output');
  const cssFiles = mainMeta.cssBundle ? [path.basename(mainMeta.cssBundle)] : [];
  if (!cssFiles.length) throw new Error('CSS bundle (graphiql/style.css) missing from output');

  await writeFile(
    path.join(TMP_DIR, 'index.html'),
    pageHtml({
      title: 'COGO GraphiQL',
      jsFile: path.basename(mainJs),
      cssFiles,
      style: '      html, body { height: 100%; margin: 0; }\n      #root { height: 100vh; }\n',
      body: '\n    <div id="root"></div>\n  ',
    }),
  );
  files = [...new Set([...outputsOf(workerResult, TMP_DIR), ...outputsOf(pageResult, TMP_DIR), 'index.html'])].sort();
  const hash = createHash('sha256');
  for (const f of files) hash.update(f);
  await writeFile(
    path.join(TMP_DIR, '.stamp'),
    `${JSON.stringify({ versions, files, workers: workerFiles, fingerprint: hash.digest('hex').slice(0, 16), builtAt: new Date().toISOString() }, null, 2)}\n`,
  );
} catch (err) {
  await rm(TMP_DIR, { recursive: true, force: true });
  fail(`esbuild: ${formatErrors(err)}`);
}

// Swap in the new output.
if (existsSync(OUT_DIR)) await rename(OUT_DIR, OLD_DIR);
await rename(TMP_DIR, OUT_DIR);
await rm(OLD_DIR, { recursive: true, force: true });

let bytes = 0;
for (const f of files) bytes += (await stat(path.join(OUT_DIR, f))).size;
const secs = ((performance.now() - started) / 1000).toFixed(1);
console.log(`${TAG}: built dist/graphiql (graphiql ${versions.graphiql}, ${files.length} files, ${formatBytes(bytes)}) in ${secs}s`);
