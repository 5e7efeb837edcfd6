import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { PROJECT_ROOT } from '../paths.js';
import { registerLocalPage } from './local-pages.js';

export const GRAPHIQL_DIR = path.join(PROJECT_ROOT, 'dist', 'graphiql');
export const DASHBOARD_DIR = path.join(PROJECT_ROOT, 'dist', 'dashboard');

/** GraphiQL from the assets built at install time (scripts/build-graphiql.mjs): no CDN, works offline. */
export async function registerGraphiql(app: FastifyInstance): Promise<void> {
  await registerLocalPage(app, { name: 'graphiql', dir: GRAPHIQL_DIR, buildScript: 'scripts/build-graphiql.mjs', title: 'GraphiQL' });
}

/** The dashboard (web/dashboard, built by scripts/build-dashboard.mjs); it signs in to the API like any client. */
export async function registerDashboard(app: FastifyInstance): Promise<void> {
  await registerLocalPage(app, { name: 'dashboard', dir: DASHBOARD_DIR, buildScript: 'scripts/build-dashboard.mjs', title: 'Dashboard' });
}
