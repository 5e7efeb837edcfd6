/** A real build worker process for the recovery test: the build agent's worker host, configured by the environment. */
import { startWorkers } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/observability/logger.js';
import { closeRuntime, createRuntime } from '../../src/runtime.js';
import { onShutdownSignal } from '../../src/shutdown.js';

const config = loadConfig();
const logger = createLogger({ level: config.logLevel });
const runtime = await createRuntime(config, logger);
const host = await startWorkers(runtime, ['build']);
process.stdout.write(`READY ${process.env.WORKER_ID ?? host.workerId} ${process.pid}\n`);
onShutdownSignal(logger, async () => {
  await host.close();
  await closeRuntime(runtime);
});
