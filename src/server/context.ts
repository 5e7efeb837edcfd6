import type { ReadinessCheck } from './readiness.js';

/** What every resolver and REST handler receives. Services are added here as the areas land. */
export interface Services {
  readiness: ReadinessCheck;
  version: string;
  startedAt: number;
}

export interface RequestContext extends Record<PropertyKey, unknown> {
  services: Services;
  traceId: string;
}
