import type { FastifyInstance } from 'fastify';
import { PUBLIC } from '../auth/http-guard.js';

/**
 * A person who opens the service in a browser lands on the dashboard at `/`, and on the local GraphiQL at
 * `/graphql` asked for as a page (Apollo's own landing page loads from a CDN and is blank offline). Programs asking
 * `/graphql` for JSON, or with a query in the URL, reach the API as before.
 */
export function registerBrowserRedirects(app: FastifyInstance): void {
  app.get('/', { config: { access: PUBLIC } }, async (_request, reply) => reply.redirect('/dashboard/', 302));
  app.addHook('onRequest', async (request, reply) => {
    const url = new URL(request.url, 'http://local');
    const wantsPage = /\btext\/html\b/.test(request.headers.accept ?? '');
    if (request.method === 'GET' && url.pathname === '/graphql' && wantsPage && !url.searchParams.has('query')) {
      await reply.redirect('/graphiql/', 302);
    }
  });
}
