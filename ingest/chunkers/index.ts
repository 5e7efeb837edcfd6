import path from 'node:path';
import type { ChunkedFile, ChunkOptions } from '../chunk-types.js';
import { chunkMarkdown } from './markdown.js';
import { chunkText } from './text.js';
import { chunkTypeScript, TYPESCRIPT_EXTENSIONS } from './typescript.js';

export { chunkMarkdown } from './markdown.js';
export { chunkText } from './text.js';
export { chunkTypeScript, TYPESCRIPT_EXTENSIONS } from './typescript.js';
export { resolveRelativeImport } from './typescript-imports.js';

export const MARKDOWN_EXTENSIONS: readonly string[] = ['.md', '.markdown', '.mdx'];

export type ChunkerName = 'markdown' | 'typescript' | 'text';

/** Which chunker a path gets, by extension (case-insensitive). */
export function chunkerFor(filePath: string): ChunkerName {
  const extension = path.posix.extname(filePath).toLowerCase();
  if (MARKDOWN_EXTENSIONS.includes(extension)) return 'markdown';
  if (TYPESCRIPT_EXTENSIONS.includes(extension)) return 'typescript';
  return 'text';
}

/** Chunks one file; `filePath` is root-relative with `/` separators and becomes every chunk's `path`. */
export function chunkFile(filePath: string, text: string, options?: ChunkOptions): ChunkedFile {
  switch (chunkerFor(filePath)) {
    case 'markdown':
      return { chunks: chunkMarkdown(filePath, text, options), imports: [], symbols: [] };
    case 'typescript':
      return chunkTypeScript(filePath, text, options);
    default:
      return { chunks: chunkText(filePath, text, options), imports: [], symbols: [] };
  }
}
