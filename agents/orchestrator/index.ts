import type { Processor } from '../../src/queue/job-context.js';
import { runOrchestrate, type OrchestrateDeps } from './run.js';

export { runOrchestrate, type OrchestrateDeps } from './run.js';

/** The `orchestrate` queue's processor: answers a question from retrieved passages (docs/llm.md). */
export function createOrchestrateProcessor(deps: OrchestrateDeps): Processor<unknown> {
  return (ctx) => runOrchestrate(ctx, deps);
}
