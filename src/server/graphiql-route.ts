import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { PROJECT_ROOT } from '../paths.js';

export const GRAPHIQL_DIR = path.join(PROJECT_ROOT, 'dist', 'graphiql');

/** GraphiQL from the assets built at install time (scripts/build-graphiql.mjs): no CDN, works offline. */
export async function registerGraphiql(app: FastifyInstance): Promise<void> {
  if (!existsSync(path.join(GRAPHIQL_DIR, 'index.html'))) {
    app.get('/graphiql', async (_request, reply) =>
      reply.status(503).type('text/plain').send('GraphiQL assets are missing: run `node scripts/build-graphiql.mjs` (npm ci does it)'),
    );
    return;
  }
  app.get('/graphiql', async (_request, reply) => reply.redirect('/graphiql/'));
  await app.register(fastifyStatic, { root: GRAPHIQL_DIR, prefix: '/graphiql/', maxAge: '1h' });
}
