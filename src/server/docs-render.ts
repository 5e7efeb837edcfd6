import MarkdownIt from 'markdown-it';
import { escapeHtml } from '../html-escape.js';

/** How the guides name each other: `x.md`, `./x.md`, `docs/x.md`, `../docs/x.md`, with an optional `#anchor`. */
const DOC_LINK = /^(?:\.\/|(?:\.\.\/)?docs\/)?([a-z0-9][a-z0-9-]*\.md)(#[^\s]*)?$/i;

/** A heading's anchor, as GitHub makes it (so `docs/x.md#anchor` links written for GitHub land here too). */
export function headingSlug(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .replace(/\s/g, '-');
}

/**
 * Markdown to HTML for `/docs`. Raw HTML in a guide is shown as text (`html: false`), and markdown-it refuses
 * `javascript:`-style URLs itself; links to another guide — written as a link or as a `docs/x.md` code span, the
 * way the guides cite each other — go to its `/docs/` page when it is one of `docs`.
 */
export function createDocRenderer(docs: ReadonlySet<string>): (markdown: string) => string {
  const md = new MarkdownIt({ html: false, linkify: false, typographer: false });
  const docHref = (target: string): string | undefined => {
    const match = DOC_LINK.exec(target);
    return match && docs.has(match[1]!) ? `/docs/${match[1]!}${match[2] ?? ''}` : undefined;
  };
  const render = md.renderer.renderToken.bind(md.renderer);
  md.renderer.rules.link_open = (tokens, index, options) => {
    const token = tokens[index]!;
    const href = docHref(String(token.attrGet('href') ?? ''));
    if (href) token.attrSet('href', href);
    return render(tokens, index, options);
  };
  md.renderer.rules.code_inline = (tokens, index) => {
    const content = tokens[index]!.content;
    const code = `<code>${escapeHtml(content)}</code>`;
    const href = docHref(content);
    return href ? `<a href="${escapeHtml(href)}">${code}</a>` : code;
  };
  md.renderer.rules.heading_open = (tokens, index, options) => {
    const inline = tokens[index + 1];
    if (inline?.type === 'inline') tokens[index]!.attrSet('id', headingSlug(inline.children?.map((t) => t.content).join('') ?? inline.content));
    return render(tokens, index, options);
  };
  return (markdown) => md.render(markdown);
}

/** A page of the docs site: the local stylesheet, a way back to the index, and `body` (already HTML). */
export function docsPage(title: string, body: string): string {
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(title)} · COGO docs</title>`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<link rel="stylesheet" href="/docs/style.css">',
    '</head><body>',
    '<nav><a href="/docs/">COGO docs</a> · <a href="/dashboard/">Dashboard</a> · <a href="/graphiql/">GraphiQL</a></nav>',
    `<main>${body}</main></body></html>`,
  ].join('\n');
}
