import path from 'node:path';
import type { Logger } from '../../src/observability/logger.js';
import { detectIsolation, describeIsolation, type DetectedIsolation } from './isolation.js';
import { sweepWorkFolders } from './work-folder.js';

export { createBuildProcessor, type BuildDeps } from './processor.js';
export type { BuildInput } from './build-plan.js';
export { detectIsolation, describeIsolation } from './isolation.js';
export { runStep } from './sandbox.js';

/**
 * What a build worker does once at start-up: remove the work folders of builds whose worker died, and find out
 * which isolation works here, saying so in the log (a worker without one refuses builds, see isolation.ts).
 */
export function buildIsolation(options: { dir: string; allowUnsandboxed: boolean; hostUidBase: number; logger: Logger }): () => Promise<DetectedIsolation> {
  let found: Promise<DetectedIsolation> | undefined;
  return () => (found ??= findIsolation(options));
}

function findIsolation(options: { dir: string; allowUnsandboxed: boolean; hostUidBase: number; logger: Logger }): Promise<DetectedIsolation> {
  const detected = (async () => {
    const swept = await sweepWorkFolders(path.join(options.dir, 'work'));
    if (swept > 0) options.logger.info({ swept }, 'removed the work folders of builds whose worker is gone');
    return detectIsolation({
      stateDir: options.dir,
      allowUnsandboxed: options.allowUnsandboxed,
      hostUid: process.getuid?.() === 0 ? options.hostUidBase : undefined,
    });
  })().catch((error: unknown): DetectedIsolation => ({ problem: `the isolation check failed: ${(error as Error).message}` }));
  void detected.then((d) => {
    if (d.isolation) options.logger.info({ isolation: d.isolation.mode }, `build isolation: ${describeIsolation(d.isolation)}`);
    else options.logger.warn({ isolation: 'none' }, `build isolation: none — ${d.problem}`);
  });
  return detected;
}
