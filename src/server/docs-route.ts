import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { PUBLIC } from '../auth/http-guard.js';
import { AppError } from '../errors.js';
import { escapeHtml } from '../html-escape.js';
import { PROJECT_ROOT } from '../paths.js';

export const DOCS_DIR = path.join(PROJECT_ROOT, 'docs');

interface Doc {
  file: string;
  title: string;
}

const docFiles = async (dir: string): Promise<string[]> => (await readdir(dir)).filter((f) => f.endsWith('.md')).sort();

/** The docs in `dir`, each titled by its first `# ` heading (else its file name), in file-name order. */
async function listDocs(dir: string): Promise<Doc[]> {
  return Promise.all(
    (await docFiles(dir)).map(async (file) => {
      const heading = /^# (.+)$/m.exec(await readFile(path.join(dir, file), 'utf8'));
      return { file, title: heading?.[1]?.trim() ?? file };
    }),
  );
}

function indexPage(docs: Doc[]): string {
  const items = docs.map((d) => `<li><a href="/docs/${encodeURIComponent(d.file)}">${escapeHtml(d.title)}</a> <code>${escapeHtml(d.file)}</code></li>`);
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>COGO docs</title>',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}code{color:#555}</style>',
    '</head><body><h1>COGO docs</h1>',
    "<p>Each guide is Markdown, served as it is in the repository's <code>docs/</code> (links between guides work). ",
    '<a href="/dashboard/">Dashboard</a> · <a href="/graphiql/">GraphiQL</a></p>',
    `<ul id="docs">${items.join('')}</ul></body></html>`,
  ].join('\n');
}

/**
 * `/docs/`: an index of the project's guides and each guide as `text/markdown`, read from local files (no renderer:
 * the only Markdown library installed is a development dependency of GraphiQL's build). Public, like the dashboard's
 * files: the guides hold no secret. Only the listed files are served, so a name cannot reach outside `dir`.
 */
export async function registerDocs(app: FastifyInstance, dir = DOCS_DIR): Promise<void> {
  const config = { access: PUBLIC };
  app.get('/docs', { config }, async (_request, reply) => reply.redirect('/docs/'));
  app.get('/docs/', { config }, async (_request, reply) => reply.type('text/html; charset=utf-8').send(indexPage(await listDocs(dir))));
  app.get<{ Params: { file: string } }>('/docs/:file', { config }, async (request, reply) => {
    const files = await docFiles(dir);
    const file = files.find((f) => f === request.params.file);
    if (!file) throw new AppError('NOT_FOUND', `no doc named ${request.params.file}: the list is at /docs/ (${files.join(', ')})`, { via: 'http' });
    return reply.type('text/markdown; charset=utf-8').send(await readFile(path.join(dir, file), 'utf8'));
  });
}
