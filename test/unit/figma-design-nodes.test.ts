import { describe, expect, it } from 'vitest';
import { designNodes, parseFigmaFile } from '../../ingest/figma/index.js';
import { isAppError } from '../../src/errors.js';
import { figmaFile } from '../support/figma-fixture.js';

describe('Figma file → design nodes', () => {
  const v1 = parseFigmaFile(figmaFile({ version: '1', lastModified: '2026-11-01T00:00:00Z' }), 'the fixture');

  it('keeps pages, frames, groups, components, instances and texts in tree order, without vector shapes', () => {
    const nodes = designNodes(v1);
    expect(nodes[0]).toMatchObject({ figmaId: '0:0', type: 'DOCUMENT', parentFigmaId: null });
    expect(nodes.map((n) => n.type)).not.toEqual(expect.arrayContaining(['VECTOR']));
    expect(nodes.map((n) => n.type)).not.toEqual(expect.arrayContaining(['RECTANGLE']));
    expect(nodes.find((n) => n.figmaId === '10:4')).toMatchObject({ type: 'INSTANCE', componentId: '1:11', parentFigmaId: '10:1', order: 2 });
    expect(nodes.find((n) => n.figmaId === 'I10:4;1:3')).toMatchObject({ type: 'TEXT', characters: 'Sign in', parentFigmaId: '10:4' });
  });

  it('changes the hash of exactly the nodes whose facts or place changed', () => {
    const v2 = parseFigmaFile(figmaFile({ version: '2', lastModified: '2026-11-02T00:00:00Z', signInLabel: 'Log in' }), 'the fixture');
    const hashes = (nodes: ReturnType<typeof designNodes>) => new Map(nodes.map((n) => [n.figmaId, n.hash]));
    const [a, b] = [hashes(designNodes(v1)), hashes(designNodes(v2))];
    expect([...b.keys()].filter((id) => a.get(id) !== b.get(id))).toEqual(['I10:4;1:3']);
  });

  it('refuses JSON that is not a Figma file response with BAD_INPUT naming the fields', () => {
    try {
      parseFigmaFile({ name: 'x', document: { id: '0:0' } }, 'upload.json');
      expect.unreachable();
    } catch (error) {
      expect(isAppError(error) && error.code).toBe('BAD_INPUT');
      expect((error as Error).message).toMatch(/^upload.json is not a Figma file response .*lastModified/);
    }
  });
});
