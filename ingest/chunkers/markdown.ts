import type { Chunk, ChunkOptions } from '../chunk-types.js';
import { buildChunks, isBlank, rangeChars, resolveSizes, splitLines, type ChunkDraft } from './chunk-builder.js';
import { splitLineRange } from './text.js';

interface Heading {
  line: number;
  level: number;
  title: string;
}

interface Section {
  startLine: number;
  endLine: number;
  /** Titles from the top-level heading down to this section's own. */
  trail: string[];
}

const ATX_HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$/;
const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})/;

/**
 * One chunk per ATX heading section (`#`..`######`), with its heading path as `context`. A heading with no body
 * of its own is kept together with the section that follows it; a section over `maxChars` is split by the text
 * chunker and every piece keeps the context. Setext headings (`===`/`---` underlines) are not recognised.
 */
export function chunkMarkdown(path: string, text: string, options?: ChunkOptions): Chunk[] {
  const sizes = resolveSizes(options);
  const lines = splitLines(text);
  const drafts: ChunkDraft[] = [];
  for (const section of sections(lines)) {
    const context = section.trail.filter((title) => title !== '').join(' > ') || undefined;
    const template = { kind: 'markdown-section' as const, ...(context ? { context } : {}) };
    if (rangeChars(lines, section.startLine, section.endLine) <= sizes.maxChars) {
      drafts.push({ ...template, startLine: section.startLine, endLine: section.endLine });
    } else {
      drafts.push(...splitLineRange(lines, section.startLine, section.endLine, sizes, template));
    }
  }
  return buildChunks(path, lines, drafts);
}

function sections(lines: readonly string[]): Section[] {
  const headings = findHeadings(lines);
  const result: Section[] = [];
  const firstHeadingLine = headings[0]?.line ?? lines.length + 1;
  if (firstHeadingLine > 1) result.push({ startLine: 1, endLine: firstHeadingLine - 1, trail: [] });

  const stack: Heading[] = [];
  let pendingStart: number | undefined;
  headings.forEach((heading, i) => {
    while (stack.length > 0 && stack[stack.length - 1]!.level >= heading.level) stack.pop();
    stack.push(heading);
    const endLine = (headings[i + 1]?.line ?? lines.length + 1) - 1;
    const next = headings[i + 1];
    const bodyIsEmpty = lines.slice(heading.line, endLine).every((line) => isBlank(line));
    if (bodyIsEmpty && next !== undefined && next.level > heading.level) {
      pendingStart ??= heading.line;
      return;
    }
    result.push({ startLine: pendingStart ?? heading.line, endLine, trail: stack.map((h) => h.title) });
    pendingStart = undefined;
  });
  return result;
}

/** Headings outside fenced code blocks and outside a leading YAML front matter block. */
function findHeadings(lines: readonly string[]): Heading[] {
  const headings: Heading[] = [];
  let fence: { char: string; length: number } | undefined;
  let index = frontMatterEnd(lines);
  for (; index < lines.length; index += 1) {
    const line = lines[index]!.replace(/\r$/, '');
    if (fence) {
      const close = FENCE_OPEN.exec(line);
      if (close && close[1]![0] === fence.char && close[1]!.length >= fence.length && line.trim() === close[1]) {
        fence = undefined;
      }
      continue;
    }
    const open = FENCE_OPEN.exec(line);
    if (open) {
      fence = { char: open[1]![0]!, length: open[1]!.length };
      continue;
    }
    const match = ATX_HEADING.exec(line);
    if (match) {
      const title = (match[2] ?? '').replace(/(^|[ \t]+)#+$/, '').trim();
      headings.push({ line: index + 1, level: match[1]!.length, title });
    }
  }
  return headings;
}

/** Index of the first line after a `---` … `---` (or `...`) block that opens the file; 0 when there is none. */
function frontMatterEnd(lines: readonly string[]): number {
  if (lines[0]?.replace(/\r$/, '') !== '---') return 0;
  for (let i = 1; i < lines.length; i += 1) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line === '---' || line === '...') return i + 1;
  }
  return 0;
}
