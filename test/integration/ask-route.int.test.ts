import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi } from '../../src/app.js';
import { createLogger } from '../../src/observability/logger.js';
import { closeRuntime, createRuntime, migrateAll, type Runtime } from '../../src/runtime.js';
import type { HttpServer } from '../../src/server/http-server.js';
import { runCli } from '../support/indexing-fixtures.js';
import { testConfig, testDatabaseUrl } from './support/services.js';

describe('the route dry run (GraphQL `route` and `cogo route`)', () => {
  const config = testConfig({ DATABASE_URL: testDatabaseUrl() });
  let runtime: Runtime;
  let server: HttpServer;
  let url: string;

  beforeAll(async () => {
    runtime = await createRuntime(config, createLogger({ level: 'silent' }));
    await migrateAll(runtime);
    ({ server, url } = await startApi(runtime));
  });
  afterAll(async () => {
    await server?.close();
    await closeRuntime(runtime);
  });

  const graphql = async (query: string, variables: Record<string, unknown>) => {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as {
      data?: { route: { tier: string; taskType: string; inferred: boolean; scores: { name: string; value: number }[]; reasons: string[] } };
      errors?: { extensions: { code: string } }[];
    };
  };
  const ROUTE =
    'query($r: String!, $t: String, $c: Int, $k: String) { route(request: $r, taskType: $t, contextTokens: $c, risk: $k) { tier taskType inferred scores { name value } reasons } }';

  it('returns tier, task type, scores and reasons without calling a model', async () => {
    const body = await graphql(ROUTE, { r: '이 아키텍처 결정 기록을 승인, 거절 중 하나로 분류해 줘.' });
    expect(body.data?.route).toMatchObject({ tier: 'nano', taskType: 'classify', inferred: true });
    expect(body.data?.route.scores.map((s) => s.name)).toContain('complexity');
    expect(body.data?.route.reasons[0]).toMatch(/classify \(inferred/);
  });

  it('honours a given task type, context size and risk', async () => {
    const body = await graphql(ROUTE, { r: 'Look at this.', t: 'summarize', c: 30_000, k: 'low' });
    expect(body.data?.route).toMatchObject({ tier: 'mini', taskType: 'summarize', inferred: false });
    const risky = await graphql(ROUTE, { r: 'Look at this.', t: 'summarize', k: 'high' });
    expect(risky.data?.route.tier).toBe('full');
  });

  it('answers an unknown risk level with BAD_INPUT', async () => {
    const body = await graphql(ROUTE, { r: 'hello', k: 'extreme' });
    expect(body.errors?.[0]?.extensions.code).toBe('BAD_INPUT');
  });

  it('`cogo route` prints the decision through the API', async () => {
    const { code, stdout, stderr } = await runCli(['route', 'Design the schema for audit events per tenant', '--api', url], { ...process.env, COGO_URL: url });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^full {2}\(design, inferred; about \$\d/);
    expect(stdout).toMatch(/design tasks go to full at least|scores/);
  });

  it('`cogo route` reports a refused request and exits 1', async () => {
    const { code, stderr } = await runCli(['route', 'hello', '--risk', 'extreme', '--api', url], { ...process.env, COGO_URL: url });
    expect(code).toBe(1);
    expect(stderr).toMatch(/BAD_INPUT/);
  });
});
