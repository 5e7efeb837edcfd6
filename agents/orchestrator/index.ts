import type { Processor } from '../../src/queue/job-context.js';
import type { Runtime } from '../../src/runtime.js';
import { answererFrom } from '../../src/llm/index.js';
import { createRagService } from '../../src/rag/index.js';
import { runOrchestrate, type OrchestrateDeps } from './run.js';

export { runOrchestrate, type OrchestrateDeps } from './run.js';

/** The `orchestrate` queue's processor: answers a question from retrieved passages (docs/llm.md). */
export function createOrchestrateProcessor(deps: OrchestrateDeps): Processor<unknown> {
  return (ctx) => runOrchestrate(ctx, deps);
}

/** What `npm start` and `cogo worker` run: retrieval over the runtime's stores, the model tiers from config. */
export function orchestrateDepsFrom(runtime: Runtime): OrchestrateDeps {
  const database = runtime.config.neo4j.database;
  return {
    retriever: createRagService({ vectors: runtime.vectors, embedder: runtime.embedder, driver: runtime.driver, database }),
    answerer: answererFrom(runtime.config.llm),
    driver: runtime.driver,
    database,
  };
}
