import type { Chunk, ChunkOptions } from '../chunk-types.js';
import { buildChunks, isBlank, resolveSizes, splitLines, type ChunkDraft, type Sizes } from './chunk-builder.js';

type DraftTemplate = Omit<ChunkDraft, 'startLine' | 'endLine' | 'text'>;

/** Size-based chunks of a whole file, for anything without a structure-aware chunker. */
export function chunkText(path: string, text: string, options?: ChunkOptions): Chunk[] {
  const lines = splitLines(text);
  return buildChunks(path, lines, splitLineRange(lines, 1, lines.length, resolveSizes(options), { kind: 'text' }));
}

/**
 * Splits lines from..to (1-based, inclusive) into drafts of about `targetChars`, each starting with the last
 * `overlapChars` of the one before, so a sentence cut at a boundary is whole in one of them. Cuts fall between
 * lines, at a blank line when one is near the end; only a line longer than `maxChars` is cut inside.
 */
export function splitLineRange(lines: readonly string[], from: number, to: number, sizes: Sizes, template: DraftTemplate): ChunkDraft[] {
  const drafts: ChunkDraft[] = [];
  const length = (line: number): number => (lines[line - 1]?.length ?? 0) + 1;
  const huge = (line: number): boolean => length(line) - 1 > sizes.maxChars;
  let start = from;
  while (start <= to) {
    if (huge(start)) {
      drafts.push(...sliceHugeLine(lines[start - 1] ?? '', start, sizes, template));
      start += 1;
      continue;
    }
    let end = start;
    let chars = length(start);
    while (end < to && !huge(end + 1) && chars + length(end + 1) <= sizes.targetChars) {
      end += 1;
      chars += length(end);
    }
    if (end < to && !huge(end + 1)) end = preferBlankLine(lines, start, end, chars, sizes.targetChars);
    drafts.push({ ...template, startLine: start, endLine: end });
    if (end >= to) break;
    if (huge(end + 1)) {
      start = end + 1;
      continue;
    }
    let next = end + 1;
    let overlap = 0;
    while (next - 1 > start && overlap + length(next - 1) <= sizes.overlapChars) {
      next -= 1;
      overlap += length(next);
    }
    start = next;
  }
  return drafts;
}

/** Ends the draft at the last blank line in its final third, when there is one: paragraphs stay whole. */
function preferBlankLine(lines: readonly string[], start: number, end: number, chars: number, target: number): number {
  let tail = 0;
  for (let line = end; line > start; line -= 1) {
    if (chars - tail < (target * 2) / 3) break;
    if (isBlank(lines[line - 1])) return line;
    tail += (lines[line - 1]?.length ?? 0) + 1;
  }
  return end;
}

function sliceHugeLine(line: string, lineNumber: number, sizes: Sizes, template: DraftTemplate): ChunkDraft[] {
  const drafts: ChunkDraft[] = [];
  const step = sizes.targetChars - sizes.overlapChars;
  for (let offset = 0; offset < line.length; offset += step) {
    const text = line.slice(offset, offset + sizes.targetChars);
    drafts.push({ ...template, startLine: lineNumber, endLine: lineNumber, text });
    if (offset + sizes.targetChars >= line.length) break;
  }
  return drafts;
}
