import type { Command } from 'commander';
import { loadConfig } from '../config/index.js';
import { AppError } from '../errors.js';

const say = (line: string) => process.stdout.write(`${line}\n`);

/** `90s`, `30m`, `12h`, `7d` → milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)([smhd])$/.exec(text.trim());
  if (!match) throw new AppError('BAD_INPUT', `--grace "${text}": expected 90s, 30m, 12h or 7d`, { via: 'artifacts' });
  const unitMs = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
  return Number(match[1]) * unitMs[match[2] as keyof typeof unitMs];
}

/**
 * `cogo artifacts gc`: an administrative command (it opens the store and the graph directly, like `migrate`).
 * Removes the blobs no manifest and no `(:Artifact)` node references, older than the grace period.
 */
export function registerArtifactsCommand(program: Command): void {
  const artifacts = program.command('artifacts').description('artifact store housekeeping (docs/build.md)');
  artifacts
    .command('gc')
    .description('remove stored blobs that no manifest and no graph node references')
    .option('--grace <duration>', 'keep blobs stored or reused more recently than this (a running job writes its manifest last)', '1h')
    .option('--dry-run', 'only count what would be removed')
    .option('--json', 'print JSON')
    .action(async (options: { grace: string; dryRun?: boolean; json?: boolean }) => {
      const config = loadConfig();
      const graceMs = parseDuration(options.grace);
      // Loaded here, not at the top: every `cogo` command would load the store and graph clients otherwise.
      const [{ collectArtifactGarbage, createArtifactGraph, openArtifactStore }, { createGraphDriver }] = await Promise.all([
        import('../artifacts/index.js'),
        import('../graph/driver.js'),
      ]);
      const driver = createGraphDriver(config.neo4j);
      try {
        const graph = createArtifactGraph(driver, config.neo4j.database);
        const store = openArtifactStore(config.artifacts, config.build.maxArtifactBytes);
        const report = await collectArtifactGarbage({ store, graphReferences: () => graph.referencedBlobs(), graceMs, dryRun: options.dryRun === true });
        if (options.json) {
          say(JSON.stringify(report));
          return;
        }
        say(
          `${report.dryRun ? 'would remove' : 'removed'} ${report.removed} of ${report.blobs} blobs (${report.removedBytes} bytes); ` +
            `${report.referenced} referenced, ${report.keptYoung} unreferenced but newer than ${options.grace}; ${report.tempFilesRemoved} temporary files removed`,
        );
      } finally {
        await driver.close();
      }
    });
}
