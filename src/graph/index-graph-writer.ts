import neo4j, { type Driver } from 'neo4j-driver';
import type { IndexScope } from '../vectors/index.js';
import { cypher } from './cypher-files.js';
import { runCypher } from './driver.js';

/** A changed file as the graph sees it; ids come from `agents/indexing/ids.ts`. */
export interface GraphDocument {
  id: string;
  path: string;
  title: string;
  language: string;
  size: number;
  sha256: string;
  chunks: { id: string; startLine: number; endLine: number; kind: string; title: string }[];
  symbols: { id: string; kind: string; name: string; exported: boolean }[];
  imports: { id: string; path: string; specifier: string; kind: string }[];
}

export interface MentionLinks {
  chunkId: string;
  entityIds: string[];
}

/**
 * The index's side of the knowledge graph (Document, Chunk, Entity, File and their links), written by the indexing
 * agent: every statement a file under `cypher/indexing/`, batched with UNWIND. A store like `index-state.ts`, built
 * once by the composition root.
 */
export interface IndexGraphWriter {
  writeDocuments(scope: IndexScope, jobId: string, docs: readonly GraphDocument[]): Promise<void>;
  deleteDocuments(scope: IndexScope, documentIds: readonly string[]): Promise<void>;
  /** Entity ids by name, for every entity of the root. */
  entityNames(scope: IndexScope): Promise<Map<string, string[]>>;
  linkMentions(scope: IndexScope, links: readonly MentionLinks[]): Promise<void>;
  /** Names of the entities these documents define. */
  namesDefinedBy(scope: IndexScope, documentIds: readonly string[]): Promise<string[]>;
  deleteOrphans(scope: IndexScope): Promise<{ entities: number; stubs: number }>;
  /** Removes every Document, Chunk and Entity of the root (a rebuild with another embedder). */
  dropRoot(scope: IndexScope): Promise<number>;
  writeReport(tenant: string, jobId: string, artifact: Record<string, unknown>): Promise<boolean>;
}

const BATCH = 500;

export function createIndexGraphWriter(driver: Driver, database: string): IndexGraphWriter {
  const run = <Row = Record<string, unknown>>(name: string, params: Record<string, unknown>) => runCypher<Row>(driver, database, cypher(name), params);

  async function inBatches<T>(items: readonly T[], size: number, write: (batch: T[]) => Promise<unknown>) {
    for (let i = 0; i < items.length; i += size) await write(items.slice(i, i + size));
  }

  return {
    async writeDocuments(scope, jobId, docs) {
      // Documents with many chunks make big transactions: batch by chunk count, not by document count.
      let batch: GraphDocument[] = [];
      let weight = 0;
      for (const doc of docs) {
        batch.push(doc);
        weight += 1 + doc.chunks.length + doc.symbols.length;
        if (weight >= BATCH) {
          await run('indexing/write-documents', { tenant: scope.tenant, root: scope.root, jobId, docs: batch });
          batch = [];
          weight = 0;
        }
      }
      if (batch.length > 0) await run('indexing/write-documents', { tenant: scope.tenant, root: scope.root, jobId, docs: batch });
    },
    async deleteDocuments(scope, documentIds) {
      await inBatches(documentIds, 200, (ids) => run('indexing/delete-documents', { tenant: scope.tenant, ids }));
    },
    async entityNames(scope) {
      const rows = await runCypher<{ name: string; ids: string[] }>(
        driver,
        database,
        cypher('indexing/entity-names'),
        { tenant: scope.tenant, root: scope.root },
        'READ',
      );
      return new Map(rows.map((row) => [row.name, row.ids]));
    },
    async linkMentions(scope, links) {
      await inBatches(links, BATCH, (batch) => run('indexing/link-mentions', { tenant: scope.tenant, links: batch }));
    },
    async namesDefinedBy(scope, documentIds) {
      if (documentIds.length === 0) return [];
      const rows = await runCypher<{ name: string }>(
        driver,
        database,
        cypher('indexing/names-defined-by'),
        { tenant: scope.tenant, ids: [...documentIds] },
        'READ',
      );
      return rows.map((row) => row.name);
    },
    async deleteOrphans(scope) {
      const rows = await run<{ entities: number; stubs: number }>('indexing/delete-orphans', { tenant: scope.tenant, root: scope.root });
      return { entities: Number(rows[0]?.entities ?? 0), stubs: Number(rows[0]?.stubs ?? 0) };
    },
    async dropRoot(scope) {
      let total = 0;
      for (;;) {
        const rows = await run<{ deleted: number }>('indexing/drop-root', { tenant: scope.tenant, root: scope.root, limit: neo4j.int(5000) });
        const deleted = Number(rows[0]?.deleted ?? 0);
        total += deleted;
        if (deleted === 0) return total;
      }
    },
    async writeReport(tenant, jobId, artifact) {
      const rows = await run('indexing/write-report', { tenant, jobId, artifact });
      return rows.length > 0;
    },
  };
}
