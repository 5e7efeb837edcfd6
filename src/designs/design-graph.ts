import { createHash } from 'node:crypto';
import type { Driver } from 'neo4j-driver';
import { cypher } from '../graph/cypher-files.js';
import { runCypher } from '../graph/driver.js';

/** A design node as the import hands it over (ingest/figma's `DesignNodeRecord`). */
export interface DesignNodeInput {
  figmaId: string;
  type: string;
  name: string;
  characters: string | null;
  componentId: string | null;
  parentFigmaId: string | null;
  order: number;
  hash: string;
}

export interface DesignImport {
  tenant: string;
  jobId: string;
  fileKey: string;
  name: string;
  version: string;
  lastModified: string;
  nodes: readonly DesignNodeInput[];
  /** Component name or Figma node id → component blueprint name (IMPLEMENTS). */
  mapping: Record<string, string>;
  /** Write every node even when the file's version is the one already imported. */
  force?: boolean;
}

export interface DesignImportResult {
  designId: string;
  /** True when the graph already held this version of the file: nothing was written. */
  unchanged: boolean;
  written: number;
  deleted: number;
  kept: number;
  linkedComponents: number;
}

const BATCH = 500;

const stableId = (...parts: string[]) => createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 32);

/**
 * Writes an imported Figma file into `(:Design)-[:HAS_NODE]->(:DesignNode)`, incrementally: nodes are MERGEd on an
 * id derived from tenant, file key and Figma node id; only nodes whose content hash changed are written, nodes no
 * longer in the file are deleted, and a file whose version is already imported is left alone. cypher/designs/.
 */
export function createDesignGraph(driver: Driver, database: string) {
  const run = <Row>(name: string, params: Record<string, unknown>, mode: 'READ' | 'WRITE' = 'WRITE') =>
    runCypher<Row>(driver, database, cypher(name), params, mode);

  return {
    async write(design: DesignImport): Promise<DesignImportResult> {
      const { tenant, fileKey } = design;
      const designId = `design-${stableId(tenant, fileKey)}`;
      const nodeId = (figmaId: string) => `dn-${stableId(tenant, fileKey, figmaId)}`;
      const [state] = await run<{ version: string; nodes: Array<{ figmaId: string | null; hash: string | null }> }>(
        'designs/design-state',
        { tenant, designId },
        'READ',
      );
      const stored = new Map((state?.nodes ?? []).filter((n) => n.figmaId !== null).map((n) => [n.figmaId as string, n.hash]));
      if (state && state.version === design.version && !design.force) {
        return { designId, unchanged: true, written: 0, deleted: 0, kept: stored.size, linkedComponents: 0 };
      }
      const current = new Set(design.nodes.map((n) => n.figmaId));
      const changed = design.nodes.filter((n) => stored.get(n.figmaId) !== n.hash);
      const gone = [...stored.keys()].filter((figmaId) => !current.has(figmaId));
      const common = { tenant, designId, fileKey, version: design.version };
      await run('designs/merge-design', { ...common, jobId: design.jobId, name: design.name, lastModified: design.lastModified });
      for (let i = 0; i < gone.length; i += BATCH) await run('designs/delete-design-nodes', { tenant, ids: gone.slice(i, i + BATCH).map(nodeId) });
      for (let i = 0; i < changed.length; i += BATCH) {
        await run('designs/write-design-nodes', { ...common, nodes: changed.slice(i, i + BATCH).map((n) => ({ ...n, id: nodeId(n.figmaId) })) });
      }
      await run('designs/link-design-tree', { tenant, designId });
      const [linked] = await run<{ linked: number }>('designs/link-blueprints', { tenant, designId, mapping: design.mapping });
      return {
        designId,
        unchanged: false,
        written: changed.length,
        deleted: gone.length,
        kept: design.nodes.length - changed.length,
        linkedComponents: Number(linked?.linked ?? 0),
      };
    },
  };
}

export type DesignGraph = ReturnType<typeof createDesignGraph>;
