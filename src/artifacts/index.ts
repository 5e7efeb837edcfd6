export { createArtifactStore, type ArtifactStore, type BlobEntry, type StoredBlob } from './artifact-store.js';
export { collectArtifactGarbage, type GcReport } from './artifact-gc.js';
export { createArtifactGraph, type ArtifactGraph, type ArtifactRecord } from './artifact-graph.js';
export { mediaTypeOf } from './media-type.js';
export { artifactId } from './artifact-id.js';
export { createArtifactReader, downloadPath, type ArtifactReader, type ArtifactView } from './artifact-reader.js';
