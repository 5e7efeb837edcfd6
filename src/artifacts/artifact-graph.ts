import type { Driver } from 'neo4j-driver';
import { cypher } from '../graph/cypher-files.js';
import { runCypher } from '../graph/driver.js';

export interface ArtifactRecord {
  id: string;
  sha256: string;
  /** Where the file was, relative to the build's work folder (or a name such as `build.log`). */
  path: string;
  size: number;
  mediaType: string;
  kind: string;
  createdAt: string;
}

export interface ArtifactGraph {
  /** MERGEs the artifacts and `(:Job)-[:PRODUCED]->(:Artifact)`; false when the job's node is not there. */
  record(tenant: string, jobId: string, artifacts: ArtifactRecord[]): Promise<boolean>;
  get(tenant: string, id: string): Promise<(ArtifactRecord & { tenant: string; jobId: string }) | undefined>;
  /** Every sha256 an `(:Artifact)` node points at, in any tenant (garbage collection keeps those blobs). */
  referencedBlobs(): Promise<string[]>;
}

export function createArtifactGraph(driver: Driver, database: string): ArtifactGraph {
  return {
    async record(tenant, jobId, artifacts) {
      if (artifacts.length === 0) return true;
      const rows = await runCypher<{ n: number }>(driver, database, cypher('artifacts/record-artifacts'), { tenant, jobId, artifacts });
      return Number(rows[0]?.n ?? 0) > 0;
    },
    async get(tenant, id) {
      const rows = await runCypher<{ artifact: ArtifactRecord & { tenant: string; jobId: string } }>(
        driver,
        database,
        cypher('artifacts/get-artifact'),
        { tenant, id },
        'READ',
      );
      const artifact = rows[0]?.artifact;
      return artifact ? { ...artifact, size: Number(artifact.size) } : undefined;
    },
    async referencedBlobs() {
      const rows = await runCypher<{ sha256: string }>(driver, database, cypher('artifacts/list-artifact-blobs'), {}, 'READ');
      return rows.map((r) => r.sha256);
    },
  };
}
