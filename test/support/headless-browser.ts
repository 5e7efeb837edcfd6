import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../src/paths.js';

/** Screenshots the browser tests keep (gitignored): `test-artifacts/<suite>/`. */
export const ARTIFACTS_DIR = path.join(PROJECT_ROOT, 'test-artifacts');

export interface LoopbackBrowser {
  page: Page;
  context: BrowserContext;
  /** Every request the page tried outside loopback (each was aborted): a test expects none. */
  outside: string[];
  /** Errors the page threw or logged. */
  pageErrors: string[];
  screenshot(suite: string, name: string): Promise<string>;
  close(): Promise<void>;
}

const isLoopback = (url: string) => {
  const { protocol, hostname } = new URL(url);
  if (protocol === 'data:' || protocol === 'blob:' || protocol === 'about:') return true;
  return ['127.0.0.1', 'localhost', '[::1]', '::1'].includes(hostname);
};

/**
 * Debian's Chromium through playwright-core, headless, with no network beyond loopback: every other request
 * (and WebSocket) is aborted and recorded, so a page that would load anything from a CDN fails its test.
 */
export async function launchLoopbackBrowser(): Promise<LoopbackBrowser> {
  const browser: Browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    // Playwright gives each launch a fresh temporary profile (its user-data-dir).
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const outside: string[] = [];
  const pageErrors: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (isLoopback(url)) return route.continue();
    outside.push(url);
    return route.abort('blockedbyclient');
  });
  await context.routeWebSocket(/.*/, (ws) => {
    if (isLoopback(ws.url())) return ws.connectToServer();
    outside.push(ws.url());
    return ws.close();
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  return {
    page,
    context,
    outside,
    pageErrors,
    async screenshot(suite, name) {
      const dir = path.join(ARTIFACTS_DIR, suite);
      await mkdir(dir, { recursive: true });
      const file = path.join(dir, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    close: () => browser.close(),
  };
}
