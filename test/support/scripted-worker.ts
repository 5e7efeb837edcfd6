/**
 * A real worker process for the job-platform tests: a worker host from src/queue running the scripted
 * processor on the `execute` queue, configured by the environment like `cogo worker`.
 */
import { workerHostOptions } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/observability/logger.js';
import { startMetricsServer } from '../../src/observability/metrics-server.js';
import { startWorkerHost } from '../../src/queue/worker-host.js';
import { createSharedClock } from '../../src/redis/shared-clock.js';
import { closeRuntime, createRuntime } from '../../src/runtime.js';
import { onShutdownSignal } from '../../src/shutdown.js';
import { scriptedProcessor } from './scripted-processor.js';

const config = loadConfig();
const logger = createLogger({ level: config.logLevel });
const runtime = await createRuntime(config, logger);
const skewedSharedClock = (skewMs: number) => createSharedClock(runtime.redis, { localNow: () => Date.now() + skewMs });
const host = await startWorkerHost({
  ...workerHostOptions(runtime, { execute: scriptedProcessor(runtime.redis, runtime.keyPrefix, runtime.lineage) }),
  workerId: process.env.WORKER_ID,
  // CLOCK_SKEW_MS plays a host whose clock is off: the shared clock must still order its writes with the API's.
  ...(process.env.CLOCK_SKEW_MS ? { clock: skewedSharedClock(Number(process.env.CLOCK_SKEW_MS)) } : {}),
  concurrency: process.env.WORKER_CONCURRENCY ? { execute: Number(process.env.WORKER_CONCURRENCY) } : undefined,
});
// METRICS_PORT serves this process's metrics like `cogo worker --metrics-port` (0: any free port, printed).
const metrics = process.env.METRICS_PORT === undefined ? undefined : await startMetricsServer(runtime.metrics, Number(process.env.METRICS_PORT));
if (metrics) process.stdout.write(`METRICS ${metrics.url}\n`);
process.stdout.write(`READY ${host.workerId}\n`);
onShutdownSignal(logger, async () => {
  await host.close();
  await metrics?.close();
  await closeRuntime(runtime);
});
