import neo4j, { type Driver } from 'neo4j-driver';
import { cypher } from '../graph/cypher-files.js';
import { runCypher } from '../graph/driver.js';
import type { GraphNeighbor } from './types.js';

export interface Expansion {
  documentId: string;
  neighbors: GraphNeighbor[];
  evidence: Record<string, unknown>[];
}

interface ExpandRow {
  chunkId: string;
  documentId: string;
  mentions: { id: string; name: string; kind: string; definedIn: string[] }[];
  defines: { id: string; name: string; kind: string }[];
  imports: { id: string; path: string }[];
  importedBy: { id: string; path: string }[];
  evidence: Record<string, unknown>[];
}

export type GraphExpander = (tenant: string, chunkIds: readonly string[]) => Promise<Map<string, Expansion>>;

/** 1-hop expansion of retrieved chunks in Neo4j (`cypher/rag/expand-chunks.cypher`), `limit` neighbours per kind. */
export function createGraphExpander(driver: Driver, database: string, limit = 10): GraphExpander {
  return async (tenant, chunkIds) => {
    if (chunkIds.length === 0) return new Map();
    const rows = await runCypher<ExpandRow>(
      driver,
      database,
      cypher('rag/expand-chunks'),
      { tenant, chunkIds: [...chunkIds], limit: neo4j.int(limit) },
      'READ',
    );
    return new Map(
      rows.map((row) => [
        row.chunkId,
        {
          documentId: row.documentId,
          neighbors: [
            ...row.mentions.map((e) => ({ relation: 'MENTIONS', id: e.id, name: e.name, kind: e.kind, definedIn: e.definedIn ?? [] })),
            ...row.defines.map((e) => ({ relation: 'DEFINES', id: e.id, name: e.name, kind: e.kind, definedIn: [] })),
            ...row.imports.map((d) => ({ relation: 'IMPORTS', id: d.id, name: d.path, kind: 'document', definedIn: [] })),
            ...row.importedBy.map((d) => ({ relation: 'IMPORTED_BY', id: d.id, name: d.path, kind: 'document', definedIn: [] })),
          ],
          evidence: row.evidence.map((e) => plain(e) as Record<string, unknown>),
        },
      ]),
    );
  };
}

/** Neo4j temporal and spatial values as strings: they must survive JSON on the way to a client. */
function plain(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(plain);
  if (
    neo4j.isDateTime(value) ||
    neo4j.isDate(value) ||
    neo4j.isLocalDateTime(value) ||
    neo4j.isTime(value) ||
    neo4j.isLocalTime(value) ||
    neo4j.isDuration(value) ||
    neo4j.isPoint(value)
  ) {
    return value.toString();
  }
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, plain(inner)]));
}
