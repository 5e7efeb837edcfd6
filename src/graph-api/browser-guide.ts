import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CYPHER_DIR } from '../graph/cypher-files.js';
import { escapeHtml } from '../html-escape.js';

export const BROWSER_QUERIES_DIR = path.join(CYPHER_DIR, 'browser');

/** The order a person meets the saved queries in: where work happened, what it found, the code, the designs. */
const ORDER = [
  'recent-jobs',
  'job-lineage',
  'job-evidence',
  'disputed-claims',
  'evidence-conflicts',
  'document-structure',
  'entity-neighbourhood',
  'blueprint',
  'design-tree',
  'failed-jobs',
];

interface SavedQuery {
  name: string;
  /** The file's leading `//` comment: what the query shows. */
  about: string;
  /** `:param` lines then the statement, as Neo4j Browser runs them. */
  body: string;
}

function savedQueries(): SavedQuery[] {
  const names = readdirSync(BROWSER_QUERIES_DIR)
    .filter((f) => f.endsWith('.cypher'))
    .map((f) => f.slice(0, -'.cypher'.length));
  const rank = (name: string) => (ORDER.includes(name) ? ORDER.indexOf(name) : ORDER.length);
  return names
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .map((name) => {
      const lines = readFileSync(path.join(BROWSER_QUERIES_DIR, `${name}.cypher`), 'utf8')
        .trimEnd()
        .split('\n');
      const about = lines
        .filter((l) => l.startsWith('//'))
        .map((l) => l.replace(/^\/\/\s?/, ''))
        .join(' ');
      return { name, about, body: lines.filter((l) => !l.startsWith('//')).join('\n') };
    });
}

/**
 * A Neo4j Browser guide (`:play <url>`, the HTML slide format: an `article.guide` with a carousel of slides and
 * runnable code blocks) made from the saved queries in cypher/browser/ at request time, so it never drifts from them.
 * The first slide sets the tenant and shows where to start.
 */
export function browserGuideHtml(): string {
  const slide = (title: string, lead: string, content: string) =>
    `<slide class="row-fluid">\n<div class="col-sm-3"><h3>${escapeHtml(title)}</h3><p class="lead">${escapeHtml(lead)}</p></div>\n<div class="col-sm-9">${content}</div>\n</slide>`;
  const runnable = (code: string) => `<pre class="pre-scrollable code runnable">${escapeHtml(code)}</pre>`;
  const first = slide(
    'COGO knowledge graph',
    'What the agents wrote: jobs and their lineage, research evidence and claims, indexed code, blueprints and designs.',
    `<p>Every node carries <code>tenant</code>; each query below filters by it (and code queries by the indexed <code>root</code>). Set yours first:</p>${runnable(":param tenant => 'default';")}<p>Then give the nodes captions and colours: run <code>:style</code> and drop <code>cypher/browser/style.grass</code> onto it. Each next slide is one saved query from <code>cypher/browser/</code>: click it, edit its <code>:param</code> values, run.</p>`,
  );
  const slides = savedQueries().map((q) => slide(q.name, q.about, runnable(q.body)));
  return `<article class="guide">\n<carousel class="deck container-fluid">\n${[first, ...slides].join('\n')}\n</carousel>\n</article>\n`;
}
