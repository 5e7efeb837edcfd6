import type { Logger } from './observability/logger.js';

/**
 * SIGTERM/SIGINT: stop accepting work, drain what runs, close pools, exit 0. A second signal exits at once,
 * for the operator whose drain takes longer than they will wait.
 */
export function onShutdownSignal(logger: Logger, drain: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    logger.info({ signal }, 'shutting down: no new work, draining');
    drain().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown did not finish cleanly');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
