/** One line of what the bring-up did for one service. */
export interface BringUpStep {
  service: 'redis' | 'neo4j' | 'postgres' | 's3proxy' | 'model';
  /** `fetched`/`missing`/`off`: the local embedding model (`missing` = feature hashing will stand in). */
  action: 'found' | 'started' | 'embedded' | 'fetched' | 'missing' | 'off';
  detail: string;
}

/** A bring-up step that failed: which step, why, and what the user can do about it. */
export class BringUpError extends Error {
  constructor(
    readonly service: BringUpStep['service'],
    readonly step: string,
    reason: string,
    readonly fix: string,
  ) {
    super(`${service}: ${step} failed: ${reason}\n  what to do: ${fix}`);
    this.name = 'BringUpError';
  }
}

export type Progress = (line: string) => void;
