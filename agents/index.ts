import type { Processors } from '../src/queue/job-context.js';
import { createBuildProcessor, type BuildDeps } from './build/index.js';
import { createExecuteProcessor, type ExecuteDeps } from './execute/index.js';
import { isFigmaImport, type FigmaImportInput, type IndexFolderInput, type JobInput } from '../src/queue/job-inputs.js';
import type { JobContext, Processor } from '../src/queue/job-context.js';
import { createFigmaImportProcessor, createIndexingProcessor, type FigmaImportDeps, type IndexingDeps } from './indexing/index.js';
import { createOrchestrateProcessor, type OrchestrateDeps } from './orchestrator/index.js';
import { createResearchProcessor, type ResearchDeps } from './research/index.js';

/**
 * What every agent needs, per agent, as narrow interfaces onto the process's services. The composition root
 * (`src/runtime.ts`) builds the services once and fills this in; no agent constructs a store or a service.
 */
export interface AgentDeps {
  research: ResearchDeps;
  indexing: IndexingDeps;
  /** The Figma import: indexing jobs whose input is `{figma}` (issue 13). */
  figma: FigmaImportDeps;
  build: BuildDeps;
  orchestrate: OrchestrateDeps;
  execute: ExecuteDeps;
}

/** Every agent's processor, by queue: the one entry point the composition root calls. Agents land here as their areas are built. */
export function createProcessors(deps: AgentDeps): Processors {
  return {
    research: createResearchProcessor(deps.research),
    indexing: byIndexingForm(createIndexingProcessor(deps.indexing), createFigmaImportProcessor(deps.figma)),
    build: createBuildProcessor(deps.build),
    orchestrate: createOrchestrateProcessor(deps.orchestrate),
    execute: createExecuteProcessor(deps.execute),
  };
}

/** The indexing queue carries two forms of job (src/queue/job-inputs.ts): a folder, or a Figma file. */
function byIndexingForm(folder: Processor<IndexFolderInput>, figma: Processor<FigmaImportInput>): Processor<JobInput<'indexing'>> {
  return (ctx) => (isFigmaImport(ctx.input) ? figma(ctx as JobContext<FigmaImportInput>) : folder(ctx as JobContext<IndexFolderInput>));
}
