import type { Processors } from '../src/queue/job-context.js';
import { createBuildProcessor, type BuildDeps } from './build/index.js';
import { createExecuteProcessor, type ExecuteDeps } from './execute/index.js';
import { createIndexingProcessor, type IndexingDeps } from './indexing/index.js';
import { createOrchestrateProcessor, type OrchestrateDeps } from './orchestrator/index.js';
import { createResearchProcessor, type ResearchDeps } from './research/index.js';

/**
 * What every agent needs, per agent, as narrow interfaces onto the process's services. The composition root
 * (`src/runtime.ts`) builds the services once and fills this in; no agent constructs a store or a service.
 */
export interface AgentDeps {
  research: ResearchDeps;
  indexing: IndexingDeps;
  build: BuildDeps;
  orchestrate: OrchestrateDeps;
  execute: ExecuteDeps;
}

/** Every agent's processor, by queue: the one entry point the composition root calls. Agents land here as their areas are built. */
export function createProcessors(deps: AgentDeps): Processors {
  return {
    research: createResearchProcessor(deps.research),
    indexing: createIndexingProcessor(deps.indexing),
    build: createBuildProcessor(deps.build),
    orchestrate: createOrchestrateProcessor(deps.orchestrate),
    execute: createExecuteProcessor(deps.execute),
  };
}
