import type { Processors } from '../src/queue/job-context.js';
import type { Runtime } from '../src/runtime.js';
import { createResearchProcessor, researchOptionsFrom } from './research/index.js';
import { indexingProcessorFor } from './indexing/index.js';
import { createOrchestrateProcessor, orchestrateDepsFrom } from './orchestrator/index.js';

/** Every agent's processor, by queue. Agents land here as their areas are built. */
export function createProcessors(runtime: Runtime): Processors {
  return {
    research: createResearchProcessor(researchOptionsFrom(runtime)),
    indexing: indexingProcessorFor(runtime),
    orchestrate: createOrchestrateProcessor(orchestrateDepsFrom(runtime)),
  };
}
