import type { Driver } from 'neo4j-driver';
import type { ArtifactGraph, ArtifactStore } from '../../src/artifacts/index.js';
import type { JobService } from '../../src/queue/job-service.js';
import type { AnyAction } from './action.js';
import { artifactPublishAction } from './actions/artifact-publish.js';
import { graphUpsertAction } from './actions/graph-upsert.js';
import { httpRequestAction } from './actions/http-request.js';
import { jobEnqueueAction } from './actions/job-enqueue.js';
import { webhookNotifyAction } from './actions/webhook-notify.js';
import type { HttpCaller } from './http-call.js';

/** What the built-in actions use: the one HTTP caller, the graph, the artifact store, the job service. */
export interface ActionDeps {
  http: HttpCaller;
  graph: { driver: Driver; database: string };
  artifacts: ArtifactStore;
  artifactGraph: ArtifactGraph;
  jobs: Pick<JobService, 'enqueue' | 'cancel'>;
}

export type ActionRegistry = ReadonlyMap<string, AnyAction>;

/**
 * Every action an execute flow may name. A new action is a file in `actions/` and one line here. `extra` adds
 * actions a deployment (or a test's scripted worker) brings; a name already taken is refused.
 */
export function createActionRegistry(deps: ActionDeps, extra: readonly AnyAction[] = []): ActionRegistry {
  const actions = [
    httpRequestAction(deps.http),
    webhookNotifyAction(deps.http),
    graphUpsertAction(deps.graph),
    artifactPublishAction({ ...deps, ...deps.graph }),
    jobEnqueueAction(deps.jobs),
  ];
  const registry = new Map(actions.map((a) => [a.name, a]));
  for (const action of extra) {
    if (registry.has(action.name)) throw new Error(`execute action ${action.name} is defined twice`);
    registry.set(action.name, action);
  }
  return registry;
}
