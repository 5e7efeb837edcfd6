/**
 * A real worker process for the job-platform tests: a worker host from src/queue running the scripted
 * processor on the `execute` queue, configured by the environment like `cogo worker`.
 */
import { workerHostOptions } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/observability/logger.js';
import { startWorkerHost } from '../../src/queue/worker-host.js';
import { closeRuntime, createRuntime } from '../../src/runtime.js';
import { onShutdownSignal } from '../../src/shutdown.js';
import { scriptedProcessor } from './scripted-processor.js';

const config = loadConfig();
const logger = createLogger({ level: config.logLevel });
const runtime = await createRuntime(config, logger);
const host = await startWorkerHost({
  ...workerHostOptions(runtime, { execute: scriptedProcessor(runtime.redis, runtime.keyPrefix, runtime.lineage) }),
  workerId: process.env.WORKER_ID,
  concurrency: process.env.WORKER_CONCURRENCY ? { execute: Number(process.env.WORKER_CONCURRENCY) } : undefined,
});
process.stdout.write(`READY ${host.workerId}\n`);
onShutdownSignal(logger, async () => {
  await host.close();
  await closeRuntime(runtime);
});
