import { createHash } from 'node:crypto';
import type { IndexScope } from '../../src/vectors/index.js';

/**
 * Stable ids for what the indexer writes. A chunker's id covers path + text; the same file may be indexed by
 * two tenants or under two roots, so every id here also covers the tenant and the root. Same inputs, same id:
 * a re-run MERGEs and upserts onto what is there.
 */
function hashId(prefix: string, parts: readonly string[]): string {
  return `${prefix}${createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32)}`;
}

export const documentId = (scope: IndexScope, path: string): string => hashId('doc_', [scope.tenant, scope.root, path]);

/** The chunk's row id in Postgres, also its `(:Chunk {id, vectorRow})` in Neo4j. */
export const chunkRowId = (scope: IndexScope, chunkId: string): string => hashId('chk_', [scope.tenant, scope.root, chunkId]);

/** One entity per (kind, name) in a root: two files that define `main` define the same entity. */
export const entityId = (scope: IndexScope, kind: string, name: string): string => hashId('ent_', [scope.tenant, scope.root, kind, name]);

export const reportArtifactId = (jobId: string): string => `artifact_indexing_report_${jobId}`;
