/**
 * A real agent worker process for the recovery tests: the agents' worker host on the queues in WORKER_AREAS
 * (default `build`), configured by the environment like `cogo worker`.
 */
import { startWorkers } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/observability/logger.js';
import { closeRuntime, createRuntime } from '../../src/runtime.js';
import { onShutdownSignal } from '../../src/shutdown.js';
import type { JobArea } from '../../src/queue/job-types.js';

const config = loadConfig();
const logger = createLogger({ level: config.logLevel });
const runtime = await createRuntime(config, logger);
const host = await startWorkers(runtime, (process.env.WORKER_AREAS ?? 'build').split(',') as JobArea[]);
process.stdout.write(`READY ${process.env.WORKER_ID ?? host.workerId} ${process.pid}\n`);
onShutdownSignal(logger, async () => {
  await host.close();
  await closeRuntime(runtime);
});
