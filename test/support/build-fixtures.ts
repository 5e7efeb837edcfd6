import { chmod, copyFile, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { BusEvent } from '../../src/events/event-types.js';
import { PROJECT_ROOT } from '../../src/paths.js';
import type { Platform } from '../integration/support/platform.js';
import { waitUntil } from '../integration/support/platform.js';

/**
 * A temp folder a sandboxed build can use: mkdtemp makes 0700 folders, and a sandbox runs as an unprivileged
 * host uid that must traverse its way down to its work folder (docs/build.md).
 */
export async function traversableTempDir(prefix: string): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  await chmod(dir, 0o755);
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * A tiny real TypeScript library, prepared offline: its compiler (the repository's own TypeScript, only the files
 * `tsc` needs) sits in its node_modules like after `npm install`, so `tsc` and `npm pack` run without a network.
 */
export async function writeTinyProject(root: string): Promise<void> {
  const ts = path.join(PROJECT_ROOT, 'node_modules', 'typescript');
  const lib = path.join(root, 'node_modules', 'typescript', 'lib');
  await mkdir(lib, { recursive: true });
  await mkdir(path.join(root, 'src'), { recursive: true });
  await copyFile(path.join(ts, 'package.json'), path.join(root, 'node_modules', 'typescript', 'package.json'));
  const wanted = (await readdir(path.join(ts, 'lib'))).filter((f) => f === 'tsc.js' || f === '_tsc.js' || /^lib\..*\.d\.ts$/.test(f));
  await Promise.all(wanted.map((f) => cp(path.join(ts, 'lib', f), path.join(lib, f))));
  await writeFile(path.join(root, 'package.json'), JSON.stringify({ name: 'tiny-lib', version: '1.0.0', main: 'dist/index.js', files: ['dist'] }));
  await writeFile(
    path.join(root, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'commonjs', outDir: 'dist', strict: true, declaration: true, types: [] }, include: ['src'] }),
  );
  await writeFile(path.join(root, 'src', 'index.ts'), 'export const add = (a: number, b: number): number => a + b;\n');
}

export const readText = (file: string) => readFile(file, 'utf8');

export function isBuildTerminal(event: BusEvent): boolean {
  return event.type === 'build.done' || event.type === 'job.dead' || event.type === 'job.cancelled';
}

/** Enqueues a build through GraphQL (as a client would) and waits for its terminal event; returns every event. */
export async function runBuild(
  platform: Platform,
  input: Record<string, unknown>,
  timeoutMs = 60_000,
): Promise<{ jobId: string; events: BusEvent[]; result: BuildResult }> {
  const { data, errors } = await platform.graphql<{ enqueueBuild: { jobId: string } }>(
    'mutation($input: BuildInput!) { enqueueBuild(input: $input) { jobId } }',
    { input },
  );
  if (errors) throw new Error(JSON.stringify(errors));
  const jobId = data!.enqueueBuild.jobId;
  const events = await waitUntil(
    async () => {
      const all: BusEvent[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await platform.runtime.events.read({ kind: 'job', jobId }, after, 1000);
        all.push(...page);
        if (page.length < 1000) break;
        after = page.at(-1)!.id;
      }
      return all.some(isBuildTerminal) && all;
    },
    timeoutMs,
    100,
  );
  const done = events.find(isBuildTerminal)!;
  if (done.type !== 'build.done') throw new Error(`build ended with ${done.type}: ${JSON.stringify(done.data)}`);
  return { jobId, events, result: done.data.result as BuildResult };
}

export interface BuildResult {
  ok: boolean;
  isolation: string;
  failedStep?: { name: string; end: string; exitCode: number | null; signal: string | null };
  steps: {
    name: string;
    ok: boolean;
    end: string;
    exitCode: number | null;
    signal: string | null;
    durationMs: number;
    outputBytes: number;
    truncated: boolean;
  }[];
  artifacts: { id: string; path: string; sha256: string; size: number; mediaType: string }[];
  skippedArtifacts: { path: string; reason: string }[];
  log: { artifactId: string; sha256: string; lines: number; droppedFromLiveLog: number };
}

/** Every line the live `build.log` events carried, in order. */
export function liveLogLines(events: BusEvent[]): string[] {
  return events.filter((e) => e.type === 'build.log').flatMap((e) => ((e.data.lines ?? []) as { line: string }[]).map((l) => l.line));
}

/** Processes on the host whose command line contains `needle` (NUL-separated argv joined by spaces). */
export async function hostProcessesWith(needle: string): Promise<number> {
  let count = 0;
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.split('\0').join(' ').includes(needle)) count++;
  }
  return count;
}
