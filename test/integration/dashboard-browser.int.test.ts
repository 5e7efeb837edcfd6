import { stat } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerHost } from '../../src/queue/worker-host.js';
import { launchLoopbackBrowser, type LoopbackBrowser } from '../support/headless-browser.js';
import { startScriptedExecuteWorker } from '../support/scripted-host.js';
import { startPlatform, waitUntil, type Platform } from './support/platform.js';

const SUITE = 'dashboard';

describe('the dashboard in headless Chromium, with nothing reachable beyond loopback', () => {
  let platform: Platform;
  let worker: WorkerHost;
  let browser: LoopbackBrowser;

  beforeAll(async () => {
    platform = await startPlatform();
    worker = await startScriptedExecuteWorker(platform.runtime);
    browser = await launchLoopbackBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await worker?.close();
    await platform?.close();
  });

  const enqueueExecute = async (params: Record<string, unknown>) => {
    const body = await platform.graphql<{ enqueueExecute: { jobId: string } }>(
      'mutation($p: JSON) { enqueueExecute(input: {action: "script", params: $p}) { jobId } }',
      { p: params },
    );
    expect(body.errors).toBeUndefined();
    return body.data!.enqueueExecute.jobId;
  };
  const statusOf = async (id: string) =>
    (await platform.graphql<{ job: { status: string } }>('query($id: ID!) { job(id: $id) { status } }', { id })).data!.job.status;

  it('signs in with an API key, shows a job appear and its events stream in, and requeues a dead letter', async () => {
    const { page } = browser;
    // A job that fails once without retry: a dead letter (status failed) the page will requeue; its second run succeeds.
    const deadId = await enqueueExecute({ failRuns: 1, failCode: 'BAD_INPUT' });
    await waitUntil(async () => (await statusOf(deadId)) === 'failed');

    await page.goto(`${platform.url}/`);
    expect(new URL(page.url()).pathname).toBe('/dashboard/');
    await page.fill('#api-key', platform.authorization.replace(/^Bearer /, ''));
    await page.click('#sign-in');
    await page.waitForSelector('body[data-signed-in="true"]');
    await page.waitForSelector('#gates .gate[data-gate="e2eSuccess"]');
    await page.waitForSelector('#queues table');
    expect(await page.locator('#gates .gate').count()).toBe(6);
    await browser.screenshot(SUITE, '1-overview');

    // The docs are one click away, served by the same server.
    await page.click('#docs-link');
    await page.waitForSelector('#docs a[href="/docs/runbook.md"]');
    expect(new URL(page.url()).pathname).toBe('/docs/');
    // A guide is a rendered page (local stylesheet; the browser refuses anything beyond loopback), and its
    // mention of another guide is a link to that guide's page.
    await page.click('#docs a[href="/docs/api.md"]');
    await page.waitForSelector('main h1#api');
    await page.click('main a[href="/docs/runbook.md"] >> nth=0');
    await page.waitForSelector('main h1#runbook');
    expect(new URL(page.url()).pathname).toBe('/docs/runbook.md');
    await page.goBack();
    await page.goBack();
    await page.goBack();
    await page.waitForSelector('body[data-signed-in="true"]');

    // Live: the job list follows the system stream, no reload.
    const jobId = await enqueueExecute({ steps: 6, stepMs: 250 });
    await page.waitForSelector(`tr.job[data-job="${jobId}"]`, { timeout: 10_000 });
    await page.click(`tr.job[data-job="${jobId}"] a`);
    await page.waitForSelector('#events li[data-type="execute.progress"]', { timeout: 10_000 });
    await browser.screenshot(SUITE, '2-job-streaming');
    await page.waitForSelector('#events li[data-type="execute.done"]', { timeout: 15_000 });
    const types = await page.locator('#events li').evaluateAll((items) => items.map((li) => (li as HTMLElement).dataset.type));
    expect(types[0]).toBe('meta');
    expect(types.filter((t) => t === 'execute.progress')).toHaveLength(6);
    await page.waitForSelector('#job-details[data-status="completed"]');
    await page.waitForSelector('#lineage canvas');
    await browser.screenshot(SUITE, '3-job-done');

    await page.goto(`${platform.url}/dashboard/#/`);
    await page.waitForSelector(`tr.dead[data-job="${deadId}"] button.requeue`);
    await browser.screenshot(SUITE, '4-dead-letter');
    await page.click(`tr.dead[data-job="${deadId}"] button.requeue`);
    await page.waitForSelector(`#status:text("requeued ${deadId}")`);
    expect(await waitUntil(async () => ((await statusOf(deadId)) === 'completed' ? 'completed' : undefined))).toBe('completed');
    await page.waitForSelector(`tr.dead[data-job="${deadId}"]`, { state: 'detached' });
    expect((await stat(await browser.screenshot(SUITE, '5-requeued'))).size).toBeGreaterThan(10_000);

    expect(browser.outside).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  });

  it('refuses a wrong key and loads nothing', async () => {
    const { page } = browser;
    await page.evaluate(() => sessionStorage.clear());
    await page.goto(`${platform.url}/dashboard/`);
    await page.fill('#api-key', 'cogo_not-a-real-key');
    await page.click('#sign-in');
    await page.waitForSelector('#status.error');
    expect(await page.textContent('#status')).toMatch(/UNAUTHENTICATED/);
    expect(await page.locator('#gates').count()).toBe(0);
    expect(browser.outside).toEqual([]);
  });
});
