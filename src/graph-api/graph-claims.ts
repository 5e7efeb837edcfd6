import type { Principal } from '../auth/principal.js';

/** What the generated graph API's `@authorization` rules see as `$jwt` (the `JWT` type of schema/graph.graphql). */
export interface GraphClaims {
  tenant: string;
}

/** Claims from the principal src/auth authenticated, never from the request: its tenant confines every read. */
export function graphClaims(principal: Principal): GraphClaims {
  return { tenant: principal.tenant };
}
