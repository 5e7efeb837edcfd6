import { randomUUID } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { createClient as createWsClient, type Client } from 'graphql-ws';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startApi } from '../../src/app.js';
import { createJwtVerifier } from '../../src/auth/jwt.js';
import { createKeyStore } from '../../src/auth/key-store.js';
import { createRateLimiter } from '../../src/auth/rate-limit.js';
import { JOB_AREAS } from '../../src/queue/job-types.js';
import { spawnTsProcess } from '../support/child-process.js';
import { overHttp } from './support/graphql-transports.js';
import { startPlatform, waitUntil, type Platform } from './support/platform.js';
import { uniqueName } from './support/services.js';

const JWT = { COGO_JWT_SECRET: 'j'.repeat(40), COGO_JWT_ISSUER: 'https://issuer.test', COGO_JWT_AUDIENCE: 'cogo' };
const bearer = (key: string) => `Bearer ${key}`;
const wsUrl = (platform: Platform) => `${platform.url.replace('http', 'ws')}/graphql`;

function jwtFor(tenant: string, scope: string, sub = 'user-1') {
  return new SignJWT({ tenant, scope })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuer(JWT.COGO_JWT_ISSUER)
    .setAudience(JWT.COGO_JWT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(JWT.COGO_JWT_SECRET));
}

/** Resolves when the response body ends or its connection is cut; the first chunk has been read before. */
async function opened(response: Response): Promise<{ ended: Promise<void> }> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  await reader.read();
  const ended = (async () => {
    try {
      while (!(await reader.read()).done);
    } catch {
      // the server cut the connection: the stream has ended too
    }
  })();
  return { ended };
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms))]);
}

async function jobCount(platform: Platform): Promise<number> {
  const counts = await Promise.all(
    JOB_AREAS.map((area) => platform.runtime.queues[area].getJobCountByTypes('waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed')),
  );
  return counts.reduce((a, b) => a + b, 0);
}

describe('the trust boundary with credentials (development mode off)', () => {
  let platform: Platform;
  const tenant = uniqueName('tk');
  const keys = () => createKeyStore(platform.runtime.sql);
  let anyKey: string;

  beforeAll(async () => {
    platform = await startPlatform({
      ...JWT,
      COGO_DEV_ANONYMOUS: 'false',
      COGO_KEY_CACHE_MS: '60000',
      COGO_WS_MAX_SUBSCRIPTIONS: '2',
      COGO_WS_INIT_TIMEOUT_MS: '300',
      COGO_REQUEST_TIMEOUT_MS: '1500',
      COGO_HEADERS_TIMEOUT_MS: '1000',
    });
    anyKey = (await keys().create({ name: 'slow', tenant, scopes: ['*'] })).key;
  });
  afterAll(async () => {
    await platform?.runtime.sql.query('DELETE FROM api_keys WHERE tenant = $1', [tenant]);
    await platform?.close();
  });

  describe('a revoked key', () => {
    it('stops working at once everywhere: cached lookups, an open graphql-ws subscription, graphql-sse and REST event streams', async () => {
      const { key, record } = await keys().create({ name: 'to revoke', tenant, scopes: ['*'] });
      const { jobId } = await platform.runtime.jobs.enqueue({
        type: 'research',
        input: { question: 'revocation' },
        traceId: 'b'.repeat(32),
        principal: { id: 'seed', tenant },
      });
      // Cached for 60 s from here on: only the revocation message can make it stop sooner.
      expect((await overHttp(platform.url, '{ jobs { edges { node { id } } } }', {}, bearer(key))).codes).toEqual([]);

      let closeCode: number | undefined;
      let delivered = 0;
      const closed = new Promise<void>((resolve) => {
        const client: Client = createWsClient({
          url: wsUrl(platform),
          webSocketImpl: WebSocket,
          retryAttempts: 0,
          connectionParams: { authorization: bearer(key) },
          on: {
            closed: (event) => {
              closeCode = (event as { code: number }).code;
              resolve();
            },
          },
        });
        client.subscribe(
          { query: `subscription { jobEvents(jobId: "${jobId}") { type } }` },
          { next: () => void delivered++, error: () => {}, complete: () => {} },
        );
      });
      // Subscribed: the job's first event (meta) has arrived.
      await waitUntil(async () => delivered > 0, 5000);
      const sse = await opened(
        await fetch(`${platform.url}/graphql/stream`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: bearer(key) },
          body: JSON.stringify({ query: `subscription { jobEvents(jobId: "${jobId}") { type } }` }),
        }),
      );
      const rest = await opened(await fetch(`${platform.url}/v1/jobs/${jobId}/events`, { headers: { authorization: bearer(key) } }));

      const cli = await spawnTsProcess('src/cli/index.ts', ['keys', 'revoke', record.id], { env: platform.env, ready: /revoked/ });
      const exitCode = cli.child.exitCode ?? (await new Promise<number | null>((resolve) => cli.child.once('exit', resolve)));
      expect(exitCode).toBe(0);
      expect(cli.output()).toContain('running API processes were told');

      await within(closed, 3000, 'the graphql-ws socket closing');
      expect(closeCode).toBe(4401);
      await within(sse.ended, 3000, 'the graphql-sse stream ending');
      await within(rest.ended, 3000, 'the REST event stream ending');
      expect((await overHttp(platform.url, '{ jobs { edges { node { id } } } }', {}, bearer(key))).codes).toEqual(['UNAUTHENTICATED']);
      const ws = await new Promise<number>((resolve) => {
        const client = createWsClient({ url: wsUrl(platform), webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: bearer(key) } });
        client.subscribe(
          { query: '{ jobs { edges { node { id } } } }' },
          { next: () => {}, error: (e) => resolve((e as { code: number }).code), complete: () => resolve(0) },
        );
      });
      expect(ws).toBe(4401);
    });
  });

  describe('an expiring key', () => {
    it('loses its open graphql-ws subscription when it expires, and is refused after', async () => {
      const { key } = await keys().create({ name: 'short-lived', tenant, scopes: ['jobs:read'], expiresAt: new Date(Date.now() + 1500) });
      let connected = false;
      const closed = new Promise<number>((resolve) => {
        const client = createWsClient({
          url: wsUrl(platform),
          webSocketImpl: WebSocket,
          retryAttempts: 0,
          connectionParams: { authorization: bearer(key) },
          on: { connected: () => (connected = true), closed: (event) => resolve((event as { code: number }).code) },
        });
        client.subscribe({ query: 'subscription { systemEvents { type } }' }, { next: () => {}, error: () => {}, complete: () => {} });
      });
      await waitUntil(async () => connected, 1000);
      expect(await within(closed, 4000, 'the socket closing at expiry')).toBe(4401);
      expect((await overHttp(platform.url, '{ jobs { edges { cursor } } }', {}, bearer(key))).codes).toEqual(['UNAUTHENTICATED']);
    });
  });

  describe('the tenant', () => {
    it('comes from the credential only: an x-tenant header changes nothing', async () => {
      const { key, record } = await keys().create({ name: 'tenant', tenant, scopes: ['jobs:enqueue:research', 'jobs:read'] });
      const response = await fetch(`${platform.url}/v1/research/enqueue`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: bearer(key), 'x-tenant': 'someone-else', 'x-cogo-tenant': 'someone-else' },
        body: JSON.stringify({ question: 'whose job is this' }),
      });
      const { jobId } = (await response.json()) as { jobId: string };
      expect(response.status).toBe(202);
      const node = await platform.runtime.lineage.get(jobId, tenant);
      expect(node).toMatchObject({ tenant, principal: record.id });
      expect(await platform.runtime.lineage.get(jobId, 'someone-else')).toBeNull();
    });

    it('and the scopes of a JWT come from its claims; another tenant’s JWT gets NOT_FOUND', async () => {
      const mine = await jwtFor(tenant, 'jobs:enqueue:research jobs:read');
      const enqueued = await overHttp(platform.url, 'mutation { enqueueResearch(input: {question: "jwt"}) { jobId } }', {}, bearer(mine));
      expect(enqueued.codes).toEqual([]);
      const jobId = (enqueued.data[0] as { enqueueResearch: { jobId: string } }).enqueueResearch.jobId;
      expect(await platform.runtime.lineage.get(jobId, tenant)).toMatchObject({ tenant, principal: 'jwt:user-1' });
      const query = `{ job(id: "${jobId}") { id } }`;
      expect((await overHttp(platform.url, query, {}, bearer(mine))).data).toEqual([{ job: { id: jobId } }]);
      expect((await overHttp(platform.url, query, {}, bearer(await jwtFor(uniqueName('other'), 'jobs:read')))).codes).toEqual(['NOT_FOUND']);
      expect((await overHttp(platform.url, 'mutation { cancelJob(id: "x") { id } }', {}, bearer(mine))).codes).toEqual(['FORBIDDEN']);
      const forged = await new SignJWT({ tenant, scope: 'admin' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('x')
        .setIssuer(JWT.COGO_JWT_ISSUER)
        .setAudience(JWT.COGO_JWT_AUDIENCE)
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode('k'.repeat(40)));
      expect((await overHttp(platform.url, '{ queueStats { queue } }', {}, bearer(forged))).codes).toEqual(['UNAUTHENTICATED']);
    });
  });

  describe('the audit log', () => {
    it('records every mutation with principal and tenant, and refused authentications at most once per client per window, without the credential', async () => {
      const since = new Date().toISOString();
      const { key, record } = await keys().create({ name: 'audited', tenant, scopes: ['search', 'jobs:enqueue:research'] });
      await overHttp(platform.url, 'mutation { embed(texts: ["a"]) { count } }', {}, bearer(key));
      await overHttp(platform.url, 'mutation { cancelJob(id: "research-x") { id } }', {}, bearer(key));
      // Another reason than the revocation test's refusals, whose window (per client and reason) is still open.
      const bogus = `cogo_${'Z'.repeat(40)}`;
      for (let i = 0; i < 5; i++) expect((await overHttp(platform.url, '{ jobs { edges { cursor } } }', {}, bearer(bogus))).codes).toEqual(['UNAUTHENTICATED']);
      await platform.runtime.audit.flush();
      const { rows } = await platform.runtime.sql.query<{
        action: string;
        tenant: string;
        principal: string;
        outcome: string;
        error_code: string | null;
        details: unknown;
      }>('SELECT action, tenant, principal, outcome, error_code, details FROM audit_log WHERE ts >= $1 AND (principal = $2 OR action = $3) ORDER BY id', [
        since,
        record.id,
        'auth.refused',
      ]);
      expect(rows.filter((r) => r.principal === record.id)).toEqual([
        expect.objectContaining({ action: 'graphql.embed', tenant, outcome: 'accepted' }),
        expect.objectContaining({ action: 'graphql.cancelJob', tenant, outcome: 'refused', error_code: 'FORBIDDEN' }),
      ]);
      // Only this test's refusals: audit_log is shared by the test database, and another credential refused for
      // another reason (an earlier test's key, whose window may have closed on a slow machine) is not about this one.
      const refused = rows.filter((r) => r.action === 'auth.refused' && (r.details as { reason?: string }).reason === 'the API key is malformed');
      expect(refused, JSON.stringify(rows.filter((r) => r.action === 'auth.refused'))).toHaveLength(1);
      expect(refused[0]).toMatchObject({ tenant: '-', outcome: 'refused', error_code: 'UNAUTHENTICATED', details: { reason: 'the API key is malformed' } });
      expect(JSON.stringify(rows)).not.toContain(bogus);
      expect(JSON.stringify(rows)).not.toContain(key);
    });
  });

  describe('limits', () => {
    it('caps the operations one graphql-ws connection runs at once', async () => {
      const { key } = await keys().create({ name: 'subs', tenant, scopes: ['jobs:read'] });
      const client = createWsClient({ url: wsUrl(platform), webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: bearer(key) } });
      const results: string[] = [];
      for (let i = 0; i < 3; i++) {
        client.subscribe(
          { query: 'subscription { systemEvents { type } }' },
          {
            next: () => {},
            error: (e) => results.push(Array.isArray(e) ? String((e[0] as { extensions?: { code?: string } }).extensions?.code) : 'closed'),
            complete: () => {},
          },
        );
      }
      await waitUntil(async () => results.length > 0, 3000);
      expect(results).toEqual(['RATE_LIMITED']);
      await client.dispose();
    });

    it('closes a WebSocket that sends no connection_init in time (4408)', async () => {
      const socket = new WebSocket(wsUrl(platform), 'graphql-transport-ws');
      const started = Date.now();
      const code = await new Promise<number>((resolve) => socket.on('close', (c) => resolve(c)));
      expect(code).toBe(4408);
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it.each([
      ['headers', (s: net.Socket) => s.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n'), (s: net.Socket) => s.write('X')],
      [
        'a body',
        (s: net.Socket) =>
          s.write(
            `POST /v1/research/enqueue HTTP/1.1\r\nHost: 127.0.0.1\r\nauthorization: Bearer ${anyKey}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{`,
          ),
        (s: net.Socket) => s.write(' '),
      ],
    ])('cuts off a client that sends %s one byte at a time', async (_what, start, trickle) => {
      const { port } = new URL(platform.url);
      const socket = net.connect(Number(port), '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      start(socket);
      const timer = setInterval(() => !socket.destroyed && trickle(socket), 200);
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString()));
      const started = Date.now();
      await within(new Promise((resolve) => socket.once('close', resolve)), 6000, 'the server cutting the slow client off');
      clearInterval(timer);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(answer === '' || answer.startsWith('HTTP/1.1 408'), answer).toBe(true);
    });

    it('answers 6,000 levels of nested JSON with BAD_INPUT, not INTERNAL, and enqueues nothing', async () => {
      const { key } = await keys().create({ name: 'deep', tenant, scopes: ['*'] });
      const before = await jobCount(platform);
      const body = `${'{"a":'.repeat(6000)}1${'}'.repeat(6000)}`;
      const response = await fetch(`${platform.url}/v1/execute/enqueue`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: bearer(key) },
        body,
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ ok: false, code: 'BAD_INPUT', error: expect.stringMatching(/nests deeper than 64/) });
      const graphql = await fetch(`${platform.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: bearer(key) },
        body: JSON.stringify({ query: 'mutation($p: JSON) { enqueueExecute(input: {action: "x", params: $p}) { jobId } }' }).replace(
          '}',
          `,"variables":{"p":${body}}}`,
        ),
      });
      const answer = await graphql.text();
      expect(answer).toContain('BAD_INPUT');
      expect(await jobCount(platform)).toBe(before);
    });
  });
});

describe('the per-key rate limit', () => {
  let platform: Platform;
  const tenants = [uniqueName('tr'), uniqueName('tr')];
  beforeAll(async () => {
    platform = await startPlatform({ COGO_DEV_ANONYMOUS: 'false', COGO_RATE_LIMIT_PER_SEC: '0.2', COGO_RATE_LIMIT_BURST: '3' });
  });
  afterAll(async () => {
    await platform?.runtime.sql.query('DELETE FROM api_keys WHERE tenant = ANY($1)', [tenants]);
    await platform?.close();
  });

  it('is one bucket per key shared by every API process: RATE_LIMITED with retryAfter (and Retry-After on REST)', async () => {
    const second = await startApi(platform.runtime);
    try {
      const keys = createKeyStore(platform.runtime.sql);
      const { key } = await keys.create({ name: 'limited', tenant: tenants[0] as string, scopes: ['jobs:read'] });
      const query = '{ jobs { edges { cursor } } }';
      expect((await overHttp(platform.url, query, {}, bearer(key))).codes).toEqual([]);
      expect((await overHttp(second.url, query, {}, bearer(key))).codes).toEqual([]);
      expect((await overHttp(platform.url, query, {}, bearer(key))).codes).toEqual([]);
      const limited = await fetch(`${second.url}/v1/jobs/research-${randomUUID()}`, { headers: { authorization: bearer(key) } });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await limited.json()).toMatchObject({ ok: false, code: 'RATE_LIMITED', retryable: true, details: { retryAfter: expect.any(Number) } });
      const graphql = await fetch(`${platform.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: bearer(key) },
        body: JSON.stringify({ query }),
      });
      expect(graphql.status).toBe(429);
      expect(((await graphql.json()) as { errors: { extensions: Record<string, unknown> }[] }).errors[0]?.extensions).toMatchObject({
        code: 'RATE_LIMITED',
        retryAfter: expect.any(Number),
      });
      // Another key has a bucket of its own.
      const other = (await keys.create({ name: 'other', tenant: tenants[1] as string, scopes: ['jobs:read'] })).key;
      expect((await overHttp(second.url, query, {}, bearer(other))).codes).toEqual([]);
    } finally {
      await second.server.close();
    }
  });
});

describe('the per-key rate limit with tokens leased ahead', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(async () => platform?.close());

  it('never lets two processes together exceed the shared burst, and refuses once it is spent', async () => {
    // Burst 20 and 2 per second: each process leases 2 tokens per round trip; two limiters stand for two processes.
    const options = { perSec: 2, burst: 20 };
    const limiters = [
      createRateLimiter(platform.runtime.redis, platform.runtime.keyPrefix, options),
      createRateLimiter(platform.runtime.redis, platform.runtime.keyPrefix, options),
    ];
    const principal = { id: `key_${randomUUID().slice(0, 12)}`, kind: 'api-key' as const, tenant: 't', scopes: [] };
    let allowed = 0;
    let refused = 0;
    for (let i = 0; i < 30; i++) {
      try {
        await (limiters[i % 2] as (typeof limiters)[number])(principal);
        allowed++;
      } catch (error) {
        expect(error).toMatchObject({ code: 'RATE_LIMITED', details: { retryAfter: expect.any(Number) } });
        refused++;
      }
    }
    // At most the burst plus what 2/s refilled while the loop ran (well under a second).
    expect(allowed).toBeLessThanOrEqual(21);
    expect(allowed).toBeGreaterThanOrEqual(18);
    expect(refused).toBe(30 - allowed);
  });
});

describe('anonymous development mode (loopback) refuses what a web page could send', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform({ COGO_ALLOWED_ORIGINS: 'https://app.example.com' });
  });
  afterAll(async () => platform?.close());

  const mutation = JSON.stringify({ query: 'mutation { enqueueResearch(input: {question: "csrf"}) { jobId } }' });

  it('serves a caller without a credential as the development principal (so the refusals below are the guard’s)', async () => {
    expect((await overHttp(platform.url, '{ jobs { edges { cursor } } }', {})).codes).toEqual([]);
    const response = await fetch(`${platform.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://app.example.com' },
      body: JSON.stringify({ query: '{ jobs { edges { cursor } } }' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    const preflight = await fetch(`${platform.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    const own = await fetch(`${platform.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: platform.url },
      body: JSON.stringify({ query: '{ jobs { edges { cursor } } }' }),
    });
    expect(own.status).toBe(200);
    expect(own.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a WebSocket upgrade from a foreign Origin, and accepts its own', async () => {
    const refused = await new Promise<number>((resolve) => {
      const socket = new WebSocket(wsUrl(platform), 'graphql-transport-ws', { origin: 'https://evil.example' });
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.on('open', () => resolve(101));
    });
    expect(refused).toBe(403);
    const accepted = await new Promise<number>((resolve) => {
      const socket = new WebSocket(wsUrl(platform), 'graphql-transport-ws', { origin: platform.url });
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.on('open', () => {
        socket.close();
        resolve(101);
      });
    });
    expect(accepted).toBe(101);
  });

  it.each([['/graphql/stream'], ['/graphql'], ['/v1/research/enqueue']])(
    'refuses a text/plain POST to %s with BAD_INPUT and enqueues nothing',
    async (path) => {
      const body = path.startsWith('/v1') ? JSON.stringify({ question: 'csrf' }) : mutation;
      const response = await fetch(`${platform.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain;charset=application/json', accept: 'text/event-stream' },
        body,
      });
      expect(response.status).toBe(400);
      const text = await response.text();
      expect(text).toContain('BAD_INPUT');
      expect(text).toMatch(/must be JSON/);
      expect(await jobCount(platform)).toBe(0);
    },
  );

  it('refuses a POST and an event stream from a foreign Origin', async () => {
    const post = await fetch(`${platform.url}/graphql/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example', accept: 'text/event-stream' },
      body: mutation,
    });
    expect(post.status).toBe(403);
    expect(await post.json()).toMatchObject({ errors: [{ extensions: { code: 'FORBIDDEN' } }] });
    const stream = await fetch(`${platform.url}/v1/jobs/research-${randomUUID()}/events`, { headers: { origin: 'https://evil.example' } });
    expect(stream.status).toBe(403);
    expect(await jobCount(platform)).toBe(0);
  });

  it('refuses a Host that does not name the server (DNS rebinding), on HTTP and on WebSocket upgrades', async () => {
    const { port } = new URL(platform.url);
    const status = await new Promise<number>((resolve, reject) => {
      const request = http.request(
        { host: '127.0.0.1', port, path: '/graphql', method: 'POST', headers: { host: `evil.example:${port}`, 'content-type': 'application/json' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      request.on('error', reject);
      request.end(mutation);
    });
    expect(status).toBe(403);
    const upgrade = await new Promise<number>((resolve) => {
      const socket = new WebSocket(wsUrl(platform), 'graphql-transport-ws', { headers: { host: `evil.example:${port}` } });
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.on('open', () => resolve(101));
    });
    expect(upgrade).toBe(403);
    expect(await jobCount(platform)).toBe(0);
  });
});

describe('JWTs signed by an issuer that publishes a JWKS', () => {
  it('verify against the key set fetched from COGO_JWT_JWKS_URL, and a token signed by another key is refused', async () => {
    const issuer = await generateKeyPair('ES256');
    const stranger = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(issuer.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as net.AddressInfo;
      const verify = createJwtVerifier({
        secret: undefined,
        jwksUrl: `http://127.0.0.1:${port}/jwks.json`,
        issuer: 'https://idp.test',
        audience: 'cogo',
        tenantClaim: 'tenant',
        scopesClaim: 'scope',
      });
      const sign = (key: CryptoKey) =>
        new SignJWT({ tenant: 'acme', scope: 'search' })
          .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
          .setSubject('svc')
          .setIssuer('https://idp.test')
          .setAudience('cogo')
          .setExpirationTime('5m')
          .sign(key);
      expect((await verify(await sign(issuer.privateKey))).principal).toMatchObject({
        id: 'jwt:svc',
        kind: 'jwt',
        tenant: 'acme',
        scopes: ['search'],
        expiresAtMs: expect.any(Number),
      });
      await expect(verify(await sign(stranger.privateKey))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
      // The HS256 secret is not a key of the set: a token "signed" with the public key as an HMAC secret is refused.
      const confused = await new SignJWT({ tenant: 'acme' })
        .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
        .setSubject('x')
        .setIssuer('https://idp.test')
        .setAudience('cogo')
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(JSON.stringify(jwk)));
      await expect(verify(confused)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    } finally {
      server.close();
    }
  });
});
