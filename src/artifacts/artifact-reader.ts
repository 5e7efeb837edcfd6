import type { Readable } from 'node:stream';
import type { ArtifactGraph, ArtifactRecord } from './artifact-graph.js';
import type { ArtifactStore } from './artifact-store.js';
import type { ByteRange } from './blob-content.js';

export interface ArtifactView extends ArtifactRecord {
  jobId: string;
  /** Where the API serves the bytes (same tenant only). */
  downloadUrl: string;
}

export interface ArtifactReader {
  /** The artifact's metadata when it belongs to `tenant`; another tenant's reads as absent. */
  get(tenant: string, id: string): Promise<ArtifactView | undefined>;
  /** Metadata, size and a reader of the bytes, for a download; undefined when absent or another tenant's. */
  open(tenant: string, id: string): Promise<OpenedArtifact | undefined>;
}

export interface OpenedArtifact {
  artifact: ArtifactView;
  size: number;
  /** The bytes (or a range of them); undefined when the blob went away since `open` (garbage collection). */
  read(range?: ByteRange): Promise<Readable | undefined>;
}

export const downloadPath = (id: string) => `/v1/artifacts/${encodeURIComponent(id)}`;

/** What the API reads: the graph says who may see an artifact, the store holds its bytes. */
export function createArtifactReader(graph: ArtifactGraph, store: ArtifactStore): ArtifactReader {
  async function get(tenant: string, id: string): Promise<ArtifactView | undefined> {
    const found = await graph.get(tenant, id);
    if (!found) return undefined;
    const { tenant: _tenant, ...artifact } = found;
    return { ...artifact, downloadUrl: downloadPath(id) };
  }
  return {
    get,
    async open(tenant, id) {
      const artifact = await get(tenant, id);
      const blob = artifact && (await store.stat(artifact.sha256));
      return artifact && blob ? { artifact, size: blob.size, read: (range) => store.read(artifact.sha256, range) } : undefined;
    },
  };
}
