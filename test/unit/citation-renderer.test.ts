import { describe, expect, it } from 'vitest';
import { createCitationRenderer } from '../../src/cli/citation-renderer.js';

describe('createCitationRenderer', () => {
  it('numbers passage ids in the order they are first cited, also when a marker arrives split across deltas', () => {
    const renderer = createCitationRenderer();
    const pieces = ['Keys rotate [c-', '42]. Locks last [c-7', '] and [c-42', '].'];
    expect(pieces.map((p) => renderer.push(p)).join('') + renderer.flush()).toBe('Keys rotate [1]. Locks last [2] and [1].');
    expect(renderer.cited()).toEqual(['c-42', 'c-7']);
  });

  it('prints an unclosed bracket as it came, and starts numbering anew after reset', () => {
    const renderer = createCitationRenderer();
    expect(renderer.push('an array [0')).toBe('an array ');
    expect(renderer.flush()).toBe('[0');
    renderer.push('[a] [b]');
    renderer.reset();
    expect(renderer.push('[b]')).toBe('[1]');
    expect(renderer.cited()).toEqual(['b']);
  });
});
