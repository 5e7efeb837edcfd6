import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';

export interface ExtractedText {
  title: string;
  text: string;
  /** `readability` when the article extractor found the main content, `body` when it fell back. */
  method: 'readability' | 'body';
}

/** Collapses runs of spaces inside lines and of blank lines between paragraphs, keeping paragraph breaks. */
export function normalizeWhitespace(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[\t\f\v \u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * Readable text of an HTML page: Readability's article when it finds one (nav, ads and footers gone), else the
 * body's text without scripts, styles and templates. Readability mutates the DOM, so the fallback parses again.
 */
export function extractHtml(html: string, url: string): ExtractedText {
  const { document } = parseHTML(html);
  const pageTitle = normalizeWhitespace(document.querySelector('title')?.textContent ?? '');
  let article: ReturnType<Readability['parse']> = null;
  try {
    // linkedom's Document is not the DOM lib's Document type, but it implements what Readability reads.
    article = new Readability(document as unknown as Document, { charThreshold: 200 }).parse();
  } catch {
    article = null;
  }
  // Readability's textContent glues paragraphs together; walking its HTML keeps the breaks.
  const articleText = normalizeWhitespace(article?.content ? blockText(parseHTML(`<html><body>${article.content}</body></html>`).document.body) : '');
  if (article && articleText) {
    return { title: normalizeWhitespace(article.title ?? '') || pageTitle || url, text: articleText, method: 'readability' };
  }
  const fresh = parseHTML(html).document;
  for (const node of Array.from(fresh.querySelectorAll('script, style, noscript, template'))) node.remove();
  const bodyText = normalizeWhitespace(blockText(fresh.body ?? fresh.documentElement));
  return { title: pageTitle || url, text: bodyText, method: 'body' };
}

const BLOCK = new Set(['P', 'DIV', 'LI', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'SECTION', 'ARTICLE', 'BR', 'TR', 'PRE', 'BLOCKQUOTE']);

/** textContent glues adjacent blocks together ("end.Next"); keep a line break between block elements. */
function blockText(root: { childNodes: ArrayLike<unknown> } | null): string {
  if (!root) return '';
  const parts: string[] = [];
  const walk = (node: { nodeType: number; nodeName: string; textContent: string | null; childNodes: ArrayLike<unknown> }) => {
    if (node.nodeType === 3) parts.push(node.textContent ?? '');
    else if (node.nodeType === 1) {
      const block = BLOCK.has(node.nodeName.toUpperCase());
      if (block) parts.push('\n');
      for (const child of Array.from(node.childNodes)) walk(child as typeof node);
      if (block) parts.push('\n');
    }
  };
  for (const child of Array.from(root.childNodes)) walk(child as Parameters<typeof walk>[0]);
  return parts.join('');
}

/** The CPU-pool form of extractHtml (one argument: a task's input). Parsing a page is the heavy part of a fetch. */
export function extractHtmlTask(input: { html: string; url: string }): ExtractedText {
  return extractHtml(input.html, input.url);
}
