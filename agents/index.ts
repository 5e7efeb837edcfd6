import type { Processors } from '../src/queue/job-context.js';
import type { Runtime } from '../src/runtime.js';

/** Every agent's processor, by queue. Agents land here as their areas are built. */
export function createProcessors(_runtime: Runtime): Processors {
  return {};
}
