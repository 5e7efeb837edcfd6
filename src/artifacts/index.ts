export { createArtifactStore, type ArtifactStore, type BlobEntry, type StoredBlob } from './artifact-store.js';
export { createS3ArtifactStore } from './s3-artifact-store.js';
export { openArtifactStore } from './open-artifact-store.js';
export type { ByteRange } from './blob-content.js';
export { collectArtifactGarbage, type GcReport } from './artifact-gc.js';
export { createArtifactGraph, type ArtifactGraph, type ArtifactRecord } from './artifact-graph.js';
export { mediaTypeOf } from './media-type.js';
export { artifactId } from './artifact-id.js';
export { createArtifactReader, downloadPath, type ArtifactReader, type ArtifactView } from './artifact-reader.js';
