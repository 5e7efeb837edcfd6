import type { Config } from './config/index.js';
import type { Logger } from './observability/logger.js';

/**
 * Said once when a process that runs agents starts: running as root turns every indexing or build mistake into
 * a machine-wide one (issue 9), and the allowed roots say what indexing may read. `uid` is injectable for tests;
 * undefined on platforms without user ids.
 */
export function warnAboutStartup(logger: Logger, indexing: Config['indexing'], uid: number | undefined = process.getuid?.()): void {
  if (uid === 0) {
    logger.warn({ uid }, 'COGO runs as root: run it as an unprivileged user, so that a mistake in an allowed root cannot reach the whole machine');
  }
  logger.info({ allowedRoots: indexing.allowedRoots }, 'indexing may read only inside these folders (COGO_INDEX_ROOTS)');
}
