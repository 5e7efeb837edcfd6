import { createHash } from 'node:crypto';
import { embeddingText, type Chunk, type ChunkKind, type ChunkOptions, type CodeSymbol, type KnownPaths } from '../chunk-types.js';

/** A chunk before hashing: a line range, plus `text` only when it is a slice of one huge line. */
export interface ChunkDraft {
  startLine: number;
  endLine: number;
  kind: ChunkKind;
  text?: string;
  context?: string;
  symbols?: CodeSymbol[];
}

export interface Sizes {
  maxChars: number;
  targetChars: number;
  overlapChars: number;
  minDeclarationChars: number;
  knownPaths: KnownPaths | undefined;
}

export function resolveSizes(options: ChunkOptions = {}): Sizes {
  const targetChars = Math.max(100, options.targetChars ?? 1500);
  return {
    targetChars,
    maxChars: Math.max(targetChars, options.maxChars ?? 4000),
    overlapChars: Math.min(Math.max(0, options.overlapChars ?? 200), Math.floor(targetChars / 2)),
    minDeclarationChars: options.minDeclarationChars ?? 160,
    knownPaths: options.knownPaths,
  };
}

/** Lines as the file has them; a final newline does not make an extra empty line. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export function isBlank(line: string | undefined): boolean {
  return line === undefined || line.trim() === '';
}

/** Characters of lines from..to (1-based, inclusive), newlines counted. */
export function rangeChars(lines: readonly string[], from: number, to: number): number {
  let chars = 0;
  for (let line = from; line <= to; line += 1) chars += (lines[line - 1]?.length ?? 0) + 1;
  return chars;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Trims blank lines off each draft, drops empty ones, and hashes the rest. Identical chunks in one file
 * (repeated boilerplate) get an occurrence number in their id, so ids stay unique per file and stable.
 */
export function buildChunks(path: string, lines: readonly string[], drafts: readonly ChunkDraft[]): Chunk[] {
  const chunks: Chunk[] = [];
  const seen = new Map<string, number>();
  for (const draft of drafts) {
    let { startLine, endLine } = draft;
    let text = draft.text;
    if (text === undefined) {
      while (startLine <= endLine && isBlank(lines[startLine - 1])) startLine += 1;
      while (endLine >= startLine && isBlank(lines[endLine - 1])) endLine -= 1;
      if (startLine > endLine) continue;
      text = lines.slice(startLine - 1, endLine).join('\n');
    } else if (text.trim() === '') {
      continue;
    }
    const chunk: Chunk = { id: '', path, startLine, endLine, kind: draft.kind, text, contentHash: sha256Hex(text) };
    if (draft.context) chunk.context = draft.context;
    if (draft.symbols && draft.symbols.length > 0) chunk.symbols = draft.symbols;
    const idSource = `${path}\n${embeddingText(chunk)}`;
    const occurrence = seen.get(idSource) ?? 0;
    seen.set(idSource, occurrence + 1);
    chunk.id = sha256Hex(occurrence === 0 ? idSource : `${idSource}\n#${occurrence}`).slice(0, 32);
    chunks.push(chunk);
  }
  return chunks;
}
