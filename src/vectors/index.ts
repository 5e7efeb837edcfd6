export { createVectorStore, embedderMismatch, type VectorStoreOptions } from './vector-store.js';
export { createIndexStateStore, type FileChange, type FileState, type IndexStateStore } from './index-state.js';
export type { ChunkRecord, EmbedderIdentity, IndexScope, SearchScope, StoredChunk, TextHit, TextQuery, VectorHit, VectorStore } from './types.js';
