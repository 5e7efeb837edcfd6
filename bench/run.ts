/**
 * `npm run bench -- <name> [...]`: runs bench/<name>.ts and writes its JSON report to bench/results/<name>.json
 * (and a timestamped copy). Each benchmark measures COGO against a baseline in the same run, so the report's
 * ratios mean something on any machine; absolute times are reported beside them.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BenchReport {
  name: string;
  goals: Record<string, { value: number; goal: string; met: boolean }>;
  [key: string]: unknown;
}

const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
if (names.length === 0) {
  process.stderr.write('usage: npm run bench -- <queue|indexing|research|runtime|auth|build|execute|graph|routing|retrieval|dashboard> [...]\n');
  process.exit(2);
}
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
await mkdir(resultsDir, { recursive: true });
for (const name of names) {
  if (!/^[a-z-]+$/.test(name)) throw new Error(`unknown benchmark "${name}"`);
  const module = (await import(`./${name}.ts`)) as { default: () => Promise<BenchReport> };
  const started = new Date();
  const report = await module.default();
  const full = {
    ...report,
    startedAt: started.toISOString(),
    machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  };
  const text = JSON.stringify(full, null, 2);
  await writeFile(path.join(resultsDir, `${name}.json`), text);
  await writeFile(path.join(resultsDir, `${name}-${started.toISOString().replace(/[:.]/g, '-')}.json`), text);
  process.stdout.write(
    `${name}: ${Object.entries(report.goals)
      .map(([k, g]) => `${k}=${g.value} (goal ${g.goal}: ${g.met ? 'met' : 'NOT met'})`)
      .join(', ')}\n`,
  );
}
process.exit(0);
