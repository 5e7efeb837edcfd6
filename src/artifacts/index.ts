export { createArtifactStore, type ArtifactStore, type StoredBlob } from './artifact-store.js';
export { createArtifactGraph, type ArtifactGraph, type ArtifactRecord } from './artifact-graph.js';
export { mediaTypeOf } from './media-type.js';
export { artifactId } from './artifact-id.js';
export { createArtifactReader, downloadPath, type ArtifactReader, type ArtifactView } from './artifact-reader.js';
