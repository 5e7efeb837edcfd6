import { createHash } from 'node:crypto';
import type { DesignNodeInput } from '../../src/designs/design-graph.js';
import type { FigmaFile, FigmaNode } from './figma-file.js';

/** Node types the graph keeps: the structure people navigate (pages, frames, groups) and what code realises. */
const KEPT = new Set(['DOCUMENT', 'CANVAS', 'SECTION', 'FRAME', 'GROUP', 'COMPONENT', 'COMPONENT_SET', 'INSTANCE', 'TEXT']);

const MAX_TEXT = 2000;

/**
 * The kept nodes of a file, depth first. Vector shapes, rectangles and the like (and what they contain) are
 * geometry, not structure: left out. The hash covers a node's facts and place: what a re-import compares.
 * A text's characters are clipped; an instance keeps its main component's id.
 */
export function designNodes(file: FigmaFile): DesignNodeInput[] {
  const out: DesignNodeInput[] = [];
  const visit = (node: FigmaNode, parent: string | null, order: number) => {
    if (!KEPT.has(node.type)) return;
    const facts = {
      figmaId: node.id,
      type: node.type,
      name: node.name,
      characters: node.characters === undefined ? null : node.characters.slice(0, MAX_TEXT),
      componentId: node.componentId ?? null,
      parentFigmaId: parent,
      order,
    };
    out.push({ ...facts, hash: createHash('sha256').update(JSON.stringify(facts)).digest('hex').slice(0, 32) });
    (node.children ?? []).forEach((child, i) => visit(child, node.id, i));
  };
  visit(file.document, null, 0);
  return out;
}
