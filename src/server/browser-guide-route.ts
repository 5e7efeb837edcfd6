import type { FastifyInstance } from 'fastify';
import { PUBLIC } from '../auth/http-guard.js';
import { browserGuideHtml } from '../graph-api/browser-guide.js';

export const BROWSER_GUIDE_PATH = '/neo4j-browser/guide.html';

/**
 * The Neo4j Browser guide (docs/neo4j-browser.md): `:play http://<host>:<port>/neo4j-browser/guide.html`. Public
 * (it holds saved queries, no data) and readable cross-origin, as Neo4j Browser fetches guides from its own page.
 */
export function registerBrowserGuide(app: FastifyInstance): void {
  app.get(BROWSER_GUIDE_PATH, { config: { access: PUBLIC } }, async (_request, reply) =>
    reply.header('access-control-allow-origin', '*').type('text/html; charset=utf-8').send(browserGuideHtml()),
  );
}
