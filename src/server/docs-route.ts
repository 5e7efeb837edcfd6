import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { PUBLIC } from '../auth/http-guard.js';
import { AppError } from '../errors.js';
import { escapeHtml } from '../html-escape.js';
import { PROJECT_ROOT } from '../paths.js';
import { createDocRenderer, docsPage } from './docs-render.js';

export const DOCS_DIR = path.join(PROJECT_ROOT, 'docs');
const DOCS_STYLESHEET = path.join(PROJECT_ROOT, 'web', 'docs', 'style.css');

interface Doc {
  file: string;
  title: string;
}

const docFiles = async (dir: string): Promise<string[]> => (await readdir(dir)).filter((f) => f.endsWith('.md')).sort();

/** A guide's title: its first `# ` heading, else its file name. */
const titleOf = (markdown: string, file: string): string => /^# (.+)$/m.exec(markdown)?.[1]?.trim() ?? file;

/** The docs in `dir`, titled, in file-name order. */
async function listDocs(dir: string): Promise<Doc[]> {
  return Promise.all((await docFiles(dir)).map(async (file) => ({ file, title: titleOf(await readFile(path.join(dir, file), 'utf8'), file) })));
}

function indexPage(docs: Doc[]): string {
  const items = docs.map((d) => `<li><a href="/docs/${encodeURIComponent(d.file)}">${escapeHtml(d.title)}</a> <code>${escapeHtml(d.file)}</code></li>`);
  return docsPage(
    'Index',
    [
      '<h1>COGO docs</h1>',
      "<p>The guides in the repository's <code>docs/</code>, rendered from their Markdown; the API itself is at ",
      '<a href="/graphiql/">GraphiQL</a>, the service\'s state on the <a href="/dashboard/">dashboard</a>.</p>',
      `<ul id="docs">${items.join('')}</ul>`,
    ].join('\n'),
  );
}

/**
 * `/docs/`: an index of the project's guides and each guide rendered to HTML (src/server/docs-render.ts), read from
 * local files with a local stylesheet (web/docs/style.css): nothing from a CDN. Public, like the dashboard's files:
 * the guides hold no secret. Only the listed files are served, so a name cannot reach outside `dir`.
 */
export async function registerDocs(app: FastifyInstance, dir = DOCS_DIR): Promise<void> {
  const config = { access: PUBLIC };
  const stylesheet = await readFile(DOCS_STYLESHEET, 'utf8');
  app.get('/docs', { config }, async (_request, reply) => reply.redirect('/docs/'));
  app.get('/docs/', { config }, async (_request, reply) => reply.type('text/html; charset=utf-8').send(indexPage(await listDocs(dir))));
  app.get('/docs/style.css', { config }, async (_request, reply) => reply.type('text/css; charset=utf-8').send(stylesheet));
  // The guides are read when asked for (an edit shows on reload); only the name list is needed to find one.
  app.get<{ Params: { file: string } }>('/docs/:file', { config }, async (request, reply) => {
    const files = await docFiles(dir);
    const file = request.params.file;
    if (!files.includes(file)) throw new AppError('NOT_FOUND', `no doc named ${file}: the list is at /docs/ (${files.join(', ')})`, { via: 'http' });
    const markdown = await readFile(path.join(dir, file), 'utf8');
    return reply.type('text/html; charset=utf-8').send(docsPage(titleOf(markdown, file), createDocRenderer(new Set(files))(markdown)));
  });
}
