import { groupClaims, type ClaimGroup } from './claims.js';
import type { Candidate } from './types.js';

/** Runs in a CPU-pool thread: groups a finished job's kept evidence into claims (agents/research/claims.ts). */
export function groupClaimsTask(input: { tenant: string; kept: Candidate[] }): ClaimGroup[] {
  return groupClaims(input.tenant, input.kept);
}
