import neo4j, { isDate, isDateTime, isDuration, isLocalDateTime, isLocalTime, isTime, type Driver } from 'neo4j-driver';
import { AppError } from '../errors.js';
import { cypher } from '../graph/cypher-files.js';
import { runCypher } from '../graph/driver.js';

/** A node ready for a graph view (cytoscape, vis, d3): its id, labels, a caption and its small properties. */
export interface ViewNode {
  id: string;
  labels: string[];
  caption: string;
  properties: Record<string, unknown>;
}

export interface ViewRelationship {
  id: string;
  type: string;
  source: string;
  target: string;
  properties: Record<string, unknown>;
}

export interface GraphView {
  nodes: ViewNode[];
  relationships: ViewRelationship[];
  /** True when the path cap cut the answer short: ask for a smaller depth or fewer labels. */
  truncated: boolean;
}

interface RawNode {
  elementId: string;
  labels: string[];
  props: Record<string, unknown>;
}
interface ViewRow {
  pathCount: number;
  nodes: RawNode[];
  relationships: RawRelationship[];
}
interface RawRelationship {
  elementId: string;
  type: string;
  start: string;
  end: string;
  props: Record<string, unknown>;
}

export const MAX_DEPTH = 3;
/** The labels of DESIGN §6 that carry an `id` and a `tenant` (the neighbourhood's start and filter). */
export const GRAPH_LABELS = ['Job', 'Document', 'Chunk', 'Entity', 'Evidence', 'Source', 'Claim', 'Artifact', 'Blueprint', 'Design', 'DesignNode', 'ModelCall'];
/** Paths one answer may hold; a hub (a chunk mentioned everywhere) stops there. */
const MAX_PATHS = 500;
/** Bulk text and bookkeeping: not what a view shows (the generated API reads them where needed). */
const HIDDEN = new Set(['text', 'json', 'inputJson', 'runToken', 'specJson', 'tenant', 'idempotencyKey']);
const CAPTION_FROM = ['name', 'title', 'path', 'text', 'quote', 'type', 'id'];

const isTemporal = (v: unknown) =>
  isDateTime(v as never) || isDate(v as never) || isTime(v as never) || isLocalDateTime(v as never) || isLocalTime(v as never) || isDuration(v as never);

function visible(props: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(props)
      .filter(([key]) => !HIDDEN.has(key))
      .map(([key, value]) => [key, isTemporal(value) ? String(value) : value]),
  );
}

function caption(props: Record<string, unknown>): string {
  const key = CAPTION_FROM.find((k) => typeof props[k] === 'string' && props[k] !== '');
  const text = key ? String(props[key]) : '';
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Deduplicates what the statement returns path by path, and names endpoints by their `id` property. */
function toView(row: ViewRow | undefined): GraphView {
  const nodes = new Map<string, ViewNode>();
  const idOf = new Map<string, string>();
  for (const n of row?.nodes ?? []) {
    const id = String(n.props.id ?? n.elementId);
    idOf.set(n.elementId, id);
    if (!nodes.has(id)) nodes.set(id, { id, labels: n.labels, caption: caption(n.props), properties: visible(n.props) });
  }
  const relationships = new Map<string, ViewRelationship>();
  for (const r of row?.relationships ?? []) {
    relationships.set(r.elementId, {
      id: r.elementId,
      type: r.type,
      source: idOf.get(r.start) ?? r.start,
      target: idOf.get(r.end) ?? r.end,
      properties: visible(r.props),
    });
  }
  return { nodes: [...nodes.values()], relationships: [...relationships.values()], truncated: Number(row?.pathCount ?? 0) >= MAX_PATHS };
}

/**
 * Exploration for frontends and people (issue 13): a node's neighbourhood and a claim's evidence path, as node
 * and relationship lists. Tenant-confined in the statements themselves (cypher/explore/).
 */
export function createGraphExplorer(driver: Driver, database: string) {
  return {
    async neighborhood(tenant: string, id: string, depth = 1, labels: readonly string[] = []): Promise<GraphView> {
      if (!Number.isInteger(depth) || depth < 1 || depth > MAX_DEPTH) {
        throw new AppError('BAD_INPUT', `depth must be 1, 2 or ${MAX_DEPTH}`, { via: 'graph' });
      }
      const unknown = labels.filter((label) => !GRAPH_LABELS.includes(label));
      if (unknown.length > 0) throw new AppError('BAD_INPUT', `unknown labels ${unknown.join(', ')}; use any of ${GRAPH_LABELS.join(', ')}`, { via: 'graph' });
      const statement = cypher('explore/neighborhood').replace('[*1..3]', `[*1..${depth}]`);
      const rows = await runCypher<ViewRow>(driver, database, statement, { tenant, id, labels: [...labels], maxPaths: neo4j.int(MAX_PATHS) }, 'READ');
      if (rows.length === 0) throw new AppError('NOT_FOUND', `no node ${id} in this tenant's graph`, { via: 'graph' });
      return toView(rows[0]);
    },

    async evidencePath(tenant: string, claimId: string): Promise<GraphView> {
      const rows = await runCypher<ViewRow>(driver, database, cypher('explore/evidence-path'), { tenant, id: claimId, maxPaths: neo4j.int(MAX_PATHS) }, 'READ');
      if (rows.length === 0) throw new AppError('NOT_FOUND', `no claim ${claimId} in this tenant's graph; list claims with graphClaims`, { via: 'graph' });
      return toView(rows[0]);
    },
  };
}

export type GraphExplorer = ReturnType<typeof createGraphExplorer>;
