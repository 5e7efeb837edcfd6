import { workerHostOptions } from '../../src/app.js';
import { startWorkerHost, type WorkerHost } from '../../src/queue/worker-host.js';
import type { Runtime } from '../../src/runtime.js';
import { scriptedProcessor } from './scripted-processor.js';

/** A worker host in this process running the scripted processor on the `execute` queue (no agent serves it yet). */
export function startScriptedExecuteWorker(runtime: Runtime): Promise<WorkerHost> {
  return startWorkerHost(workerHostOptions(runtime, { execute: scriptedProcessor(runtime.redis, runtime.keyPrefix, runtime.lineage) }));
}
