import { describe, expect, it } from 'vitest';
import { embeddingText, type Chunk } from '../../ingest/chunk-types.js';
import { chunkFile, chunkMarkdown, chunkText, chunkTypeScript, resolveRelativeImport } from '../../ingest/chunkers/index.js';

/** Every chunk's text must be exactly its line range of the file (or a slice of its one line). */
function expectExactRanges(text: string, chunks: Chunk[]): void {
  const lines = text.split('\n');
  for (const chunk of chunks) {
    const range = lines.slice(chunk.startLine - 1, chunk.endLine).join('\n');
    if (chunk.startLine === chunk.endLine && chunk.text !== range) expect(range).toContain(chunk.text);
    else expect(chunk.text).toBe(range);
  }
}

const MARKDOWN = [
  '---', //                                  1
  'title: Guide',
  '# not a heading: YAML comment',
  '---',
  'Intro before any heading.', //             5
  '',
  '# Guide',
  '',
  '## Install',
  'Run the installer.', //                   10
  '',
  '```sh',
  '# not a heading either',
  'npm install',
  '```', //                                  15
  '',
  '### On Linux ###',
  'Use apt.',
  '',
  '## Use', //                               20
  'Call it.',
  '',
].join('\n');

describe('chunkMarkdown', () => {
  const chunks = chunkMarkdown('docs/guide.md', MARKDOWN);

  it('cuts at ATX headings outside code fences and front matter, with exact line ranges', () => {
    expect(chunks.map((c) => [c.startLine, c.endLine])).toEqual([
      [1, 5],
      [7, 15],
      [17, 18],
      [20, 21],
    ]);
    expectExactRanges(MARKDOWN, chunks);
    expect(chunks.every((c) => c.kind === 'markdown-section')).toBe(true);
  });

  it('gives each section its heading path as context, a bodiless heading joining the next section', () => {
    expect(chunks.map((c) => c.context)).toEqual([undefined, 'Guide > Install', 'Guide > Install > On Linux', 'Guide > Use']);
    expect(chunks[1]!.text.startsWith('# Guide\n\n## Install')).toBe(true);
  });

  it('splits a section over maxChars and keeps the context on every piece', () => {
    const paragraph = Array.from({ length: 80 }, (_, i) => `Sentence number ${i} of a long section about storage.`);
    const text = ['# Big', ...paragraph, '# Small', 'tail'].join('\n');
    const pieces = chunkMarkdown('big.md', text, { maxChars: 2000, targetChars: 800, overlapChars: 100 });
    const big = pieces.filter((c) => c.context === 'Big');
    expect(big.length).toBeGreaterThan(3);
    expect(big.every((c) => c.text.length <= 800)).toBe(true);
    expect(big[0]!.startLine).toBe(1);
    expect(big[big.length - 1]!.endLine).toBe(81);
    for (let i = 1; i < big.length; i += 1) expect(big[i]!.startLine).toBeLessThanOrEqual(big[i - 1]!.endLine);
    expect(pieces[pieces.length - 1]).toMatchObject({ context: 'Small', startLine: 82, endLine: 83 });
    expectExactRanges(text, pieces);
  });

  it('reads CRLF files and keeps the \r in the text', () => {
    const crlf = '# One\r\nfirst\r\n## Two ##\r\nsecond\r\n';
    const parts = chunkMarkdown('crlf.md', crlf);
    expect(parts.map((c) => [c.context, c.startLine, c.endLine])).toEqual([
      ['One', 1, 2],
      ['One > Two', 3, 4],
    ]);
    expect(parts[0]!.text).toBe('# One\r\nfirst\r');
  });

  it('gives identical sections distinct ids', () => {
    const twice = chunkMarkdown('x.md', '# A\nsame\n# A\nsame\n');
    expect(twice).toHaveLength(2);
    expect(twice[0]!.contentHash).toBe(twice[1]!.contentHash);
    expect(twice[0]!.id).not.toBe(twice[1]!.id);
  });
});

const SOURCE = `#!/usr/bin/env node
import { z } from 'zod';
import { helper } from './util.js';
import type { Shape } from '../lib';
export * from './re-exported.js';
const legacy = require('./legacy.cjs');

/** Adds two numbers and explains why, at length, so that this declaration is large enough to stand alone. */
export function add(a: number, b: number): number {
  return helper(a) + b;
}

// A class with a comment above it that belongs to it.
export class Counter {
  private count = 0;
  increment(): number {
    this.count += 1;
    return this.count;
  }
}

export interface Options { verbose: boolean; depth: number; name: string; tags: string[]; shape: Shape }
export type Mode = 'fast' | 'slow' | 'balanced' | 'careful' | 'reckless' | 'default-mode-for-everyone';
export enum Color { Red, Green, Blue, Cyan, Magenta, Yellow, Black, White, Orange, Purple, Brown }
export const load = async (name: string) => (await import('./lazy.js')).default(name, legacy, z.string());

export default function (): string {
  return 'an anonymous default export that is long enough to be its own chunk in this file: '
    + 'over 160 characters, the default minDeclarationChars.';
}
`;

const KNOWN = new Set(['src/util.ts', 'lib/index.ts', 'src/re-exported.ts', 'src/legacy.cts', 'src/lazy.tsx']);

describe('chunkTypeScript', () => {
  const result = chunkTypeScript('src/main.ts', SOURCE, { knownPaths: KNOWN });
  const byName = (name: string): Chunk | undefined => result.chunks.find((c) => c.symbols?.some((s) => s.name === name));

  it('makes one chunk per declaration, grouping imports and small declarations', () => {
    expect(result.chunks.map((c) => (c.symbols ?? []).map((s) => s.name))).toEqual([
      ['legacy'],
      ['add'],
      ['Counter'],
      ['Options', 'Mode', 'Color', 'load'],
      ['default'],
    ]);
    expect(result.chunks.every((c) => c.kind === 'code-declaration')).toBe(true);
    expect(result.chunks[0]).toMatchObject({ startLine: 1, endLine: 6 });
    expectExactRanges(SOURCE, result.chunks);
  });

  it('keeps leading JSDoc and comments with their declaration', () => {
    expect(byName('add')!.text.startsWith('/** Adds two numbers')).toBe(true);
    expect(byName('add')!.startLine).toBe(8);
    expect(byName('Counter')!.text.startsWith('// A class with a comment')).toBe(true);
  });

  it('lists every declared symbol with its kind and export', () => {
    expect(result.symbols).toEqual([
      { name: 'legacy', kind: 'variable', exported: false },
      { name: 'add', kind: 'function', exported: true },
      { name: 'Counter', kind: 'class', exported: true },
      { name: 'Options', kind: 'interface', exported: true },
      { name: 'Mode', kind: 'type', exported: true },
      { name: 'Color', kind: 'enum', exported: true },
      { name: 'load', kind: 'function', exported: true },
      { name: 'default', kind: 'function', exported: true },
    ]);
  });

  it('returns every import specifier, resolving relative ones against the known paths', () => {
    expect(result.imports).toEqual([
      { specifier: 'zod', kind: 'static' },
      { specifier: './util.js', kind: 'static', resolvedPath: 'src/util.ts' },
      { specifier: '../lib', kind: 'type', resolvedPath: 'lib/index.ts' },
      { specifier: './re-exported.js', kind: 're-export', resolvedPath: 'src/re-exported.ts' },
      { specifier: './legacy.cjs', kind: 'require', resolvedPath: 'src/legacy.cts' },
      { specifier: './lazy.js', kind: 'dynamic', resolvedPath: 'src/lazy.tsx' },
    ]);
  });

  it('keeps ids stable: same content, same ids; an edited function changes only its own chunk', () => {
    const again = chunkTypeScript('src/main.ts', SOURCE, { knownPaths: KNOWN });
    expect(again.chunks.map((c) => c.id)).toEqual(result.chunks.map((c) => c.id));

    const edited = SOURCE.replace('return helper(a) + b;', 'const sum = helper(a) + b;\n  return sum;');
    const after = chunkTypeScript('src/main.ts', edited, { knownPaths: KNOWN }).chunks;
    const before = result.chunks.map((c) => c.id);
    const changed = after.filter((c) => !before.includes(c.id));
    expect(changed.map((c) => c.symbols?.[0]?.name)).toEqual(['add']);
    expect(after.find((c) => c.symbols?.[0]?.name === 'Counter')!.startLine).toBe(byName('Counter')!.startLine + 1);
    expectExactRanges(edited, after);
    expect(chunkTypeScript('src/other.ts', SOURCE).chunks[1]!.id).not.toBe(result.chunks[1]!.id);
  });

  it('splits a very large declaration and keeps its symbol on every piece', () => {
    const body = Array.from({ length: 300 }, (_, i) => `  const value${i} = compute(${i}) * factor;`).join('\n');
    const text = `export function huge(factor: number): void {\n${body}\n}\n`;
    const { chunks } = chunkTypeScript('src/huge.ts', text);
    expect(chunks.length).toBeGreaterThan(4);
    expect(chunks.every((c) => c.symbols?.[0]?.name === 'huge' && c.context === 'function huge')).toBe(true);
    expect(chunks.every((c) => c.text.length <= 1500)).toBe(true);
    expect(chunks[chunks.length - 1]!.endLine).toBe(302);
    expectExactRanges(text, chunks);
  });
});

describe('resolveRelativeImport', () => {
  it('prefers the TypeScript twin, then extensions, then index files, and never leaves the root', () => {
    const known = new Set(['a/b.ts', 'a/b.js', 'a/c/index.tsx', 'top.mts']);
    expect(resolveRelativeImport('a/x.ts', './b.js', known)).toBe('a/b.ts');
    expect(resolveRelativeImport('a/x.ts', './c', known)).toBe('a/c/index.tsx');
    expect(resolveRelativeImport('a/x.ts', '../top.mjs', known)).toBe('top.mts');
    expect(resolveRelativeImport('a/x.ts', '../../etc/passwd', known)).toBeUndefined();
    expect(resolveRelativeImport('a/x.ts', 'b', known)).toBeUndefined();
  });
});

describe('chunkText', () => {
  const lines = Array.from({ length: 120 }, (_, i) => `line ${i + 1}: ${'lorem ipsum '.repeat(5)}`);
  const text = lines.join('\n');

  it('cuts between lines into overlapping chunks that cover the whole text', () => {
    const chunks = chunkText('notes.txt', text);
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.every((c) => c.kind === 'text' && c.text.length <= 1500)).toBe(true);
    expect(chunks[0]!.startLine).toBe(1);
    expect(chunks[chunks.length - 1]!.endLine).toBe(120);
    for (let i = 1; i < chunks.length; i += 1) {
      expect(chunks[i]!.startLine).toBeGreaterThan(chunks[i - 1]!.startLine);
      expect(chunks[i]!.startLine).toBeLessThanOrEqual(chunks[i - 1]!.endLine);
    }
    expectExactRanges(text, chunks);
  });

  it('cuts inside a line only when that line is huge', () => {
    const huge = 'x'.repeat(10_000);
    const chunks = chunkText('min.js.txt', `first\n${huge}\nlast`);
    const pieces = chunks.filter((c) => c.startLine === 2);
    expect(pieces.length).toBeGreaterThan(6);
    expect(pieces.every((c) => c.endLine === 2 && c.text.length <= 1500)).toBe(true);
    expect(pieces.map((c) => c.text.length).reduce((a, b) => a + b)).toBeGreaterThanOrEqual(10_000);
    expect(chunks[0]).toMatchObject({ startLine: 1, endLine: 1, text: 'first' });
  });
});

describe('chunkFile', () => {
  it('picks the chunker by extension and hashes text and context', () => {
    expect(chunkFile('a/README.MD', '# T\nx').chunks[0]!.kind).toBe('markdown-section');
    const view = chunkFile('a/view.tsx', 'export const V = () => <div />;');
    expect(view.symbols).toEqual([{ name: 'V', kind: 'function', exported: true }]);
    const plain = chunkFile('a/notes.txt', 'hello');
    expect(plain.chunks[0]).toMatchObject({ kind: 'text', startLine: 1, endLine: 1 });
    expect(plain.chunks[0]!.contentHash).toMatch(/^[\da-f]{64}$/);
    expect(plain.chunks[0]!.id).toMatch(/^[\da-f]{32}$/);
    expect(embeddingText({ text: 'body', context: 'A > B' })).toBe('A > B\n\nbody');
  });

  it('makes no chunks of blank files', () => {
    expect(chunkFile('empty.ts', '').chunks).toEqual([]);
    expect(chunkFile('blank.md', '\n\n  \n').chunks).toEqual([]);
  });
});
