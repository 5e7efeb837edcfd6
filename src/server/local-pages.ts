import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/**
 * A browser page built into static files at install time (scripts/build-*.mjs): served from `dir` under
 * `/<name>/`, no CDN. Without its files, a 503 that says which script builds them.
 */
export async function registerLocalPage(app: FastifyInstance, options: { name: string; dir: string; buildScript: string; title: string }): Promise<void> {
  const { name, dir } = options;
  if (!existsSync(path.join(dir, 'index.html'))) {
    app.get(`/${name}`, async (_request, reply) =>
      reply.status(503).type('text/plain').send(`${options.title} assets are missing: run \`node ${options.buildScript}\` (npm ci does it)`),
    );
    return;
  }
  app.get(`/${name}`, async (_request, reply) => reply.redirect(`/${name}/`));
  // Several pages share the reply decorator of the first registration.
  await app.register(fastifyStatic, { root: dir, prefix: `/${name}/`, maxAge: '1h', decorateReply: !app.hasReplyDecorator('sendFile') });
}
