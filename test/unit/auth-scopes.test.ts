import { describe, expect, it } from 'vitest';
import { createBrowserGuard, isJsonContentType } from '../../src/auth/browser-guard.js';
import { jsonDepthExceeds, valueDepthExceeds } from '../../src/auth/json-depth.js';
import { hasScope, requireScopes, type Principal } from '../../src/auth/principal.js';
import { GRAPHQL_SCOPES } from '../../src/auth/graphql-scopes.js';
import { enqueueScopes, isKnownScope, rerunScopes } from '../../src/auth/scopes.js';
import { parseExpiry } from '../../src/cli/keys-command.js';

const principal = (scopes: string[]): Principal => ({ id: 'key_1', kind: 'api-key', tenant: 't', scopes });

describe('scopes', () => {
  it('match exactly, by `area:*` wildcard, or by `*`', () => {
    expect(hasScope(principal(['jobs:read']), 'jobs:read')).toBe(true);
    expect(hasScope(principal(['jobs:read']), 'jobs:cancel')).toBe(false);
    expect(hasScope(principal(['jobs:enqueue:*']), 'jobs:enqueue:build')).toBe(true);
    expect(hasScope(principal(['jobs:enqueue:*']), 'jobs:read')).toBe(false);
    expect(hasScope(principal(['execute:*']), 'execute:deploy')).toBe(true);
    expect(hasScope(principal(['*']), 'admin')).toBe(true);
    expect(hasScope(principal(['admin']), 'search')).toBe(false);
  });

  it('refuse with FORBIDDEN naming the missing scope', () => {
    expect(() => requireScopes(principal(['jobs:enqueue:execute']), ['jobs:enqueue:execute', 'execute:deploy'], 'Mutation.enqueueExecute')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN', message: 'Mutation.enqueueExecute needs the scope "execute:deploy"' }),
    );
  });

  it('for an enqueue follow the job: its queue, indexing writes the index, execute needs its action', () => {
    expect(enqueueScopes('research', { question: 'q' })).toEqual(['jobs:enqueue:research']);
    expect(enqueueScopes('indexing', { root: '.' })).toEqual(['jobs:enqueue:indexing', 'index:write']);
    expect(enqueueScopes('indexing', { root: '.', prune: true })).toEqual(['jobs:enqueue:indexing', 'index:write', 'index:delete']);
    expect(enqueueScopes('execute', { action: 'deploy' })).toEqual(['jobs:enqueue:execute', 'execute:deploy']);
    expect(enqueueScopes('execute', null)).toEqual(['jobs:enqueue:execute', 'execute:']);
    // A flow needs every action it names, once each.
    expect(enqueueScopes('execute', { steps: [{ action: 'a.b' }, { action: 'c' }, { action: 'a.b' }] })).toEqual([
      'jobs:enqueue:execute',
      'execute:a.b',
      'execute:c',
    ]);
    // An orchestrate job enqueues its research and indexing children for its caller: it needs their scopes.
    expect(enqueueScopes('orchestrate', { question: 'q' })).toEqual(['jobs:enqueue:orchestrate']);
    expect(enqueueScopes('orchestrate', { question: 'q', research: {}, index: { root: '.' } })).toEqual([
      'jobs:enqueue:orchestrate',
      'jobs:enqueue:research',
      'jobs:enqueue:indexing',
      'index:write',
    ]);
    // The ask subscription enqueues the same job from its options.
    expect(GRAPHQL_SCOPES['Subscription.ask']!.scopes({ question: 'q', options: { research: { sources: null } } })).toEqual([
      'jobs:enqueue:orchestrate',
      'jobs:enqueue:research',
    ]);
    expect(GRAPHQL_SCOPES['Subscription.ask']!.scopes({ question: 'q' })).toEqual(['jobs:enqueue:orchestrate']);
    expect(rerunScopes('build-0a3f1c2e-1111-4222-8333-944445555666')).toEqual(['jobs:read', 'jobs:enqueue:build']);
  });

  it('that keys may hold are the listed ones, execute:<action> and their wildcards', () => {
    for (const scope of ['admin', 'jobs:enqueue:orchestrate', 'execute:deploy', 'execute:*', 'jobs:*', 'jobs:enqueue:*', '*'])
      expect(isKnownScope(scope), scope).toBe(true);
    for (const scope of ['root', 'jobs:enqueue:everything', 'execute:', 'nope:*', 'execute:a b']) expect(isKnownScope(scope), scope).toBe(false);
  });
});

describe('the browser guard', () => {
  const guard = createBrowserGuard({ devAnonymous: true, allowedOrigins: ['https://app.example.com'], allowedHosts: ['cogo.internal'], bindHost: '127.0.0.1' });
  const code = (headers: Record<string, string>) => guard.check(headers)?.code ?? 'allowed';

  it("allows the server's own origin, the configured ones, and requests that name none", () => {
    expect(code({ host: '127.0.0.1:4000', origin: 'http://127.0.0.1:4000' })).toBe('allowed');
    expect(code({ host: 'localhost:4000', origin: 'https://app.example.com/' })).toBe('allowed');
    expect(code({ host: 'localhost:4000' })).toBe('allowed');
    expect(code({ host: '[::1]:4000' })).toBe('allowed');
    expect(code({ host: 'cogo.internal:4000' })).toBe('allowed');
  });

  it('refuses other origins, the `null` origin and, in development mode, Hosts that do not name the server', () => {
    expect(code({ host: '127.0.0.1:4000', origin: 'https://evil.example' })).toBe('FORBIDDEN');
    expect(code({ host: '127.0.0.1:4000', origin: 'null' })).toBe('FORBIDDEN');
    expect(code({ host: '127.0.0.1:4000', origin: 'http://127.0.0.1:4001' })).toBe('FORBIDDEN');
    expect(code({ host: 'evil.example:4000', origin: 'http://evil.example:4000' })).toBe('FORBIDDEN');
    expect(code({})).toBe('FORBIDDEN');
  });

  it('checks no Host outside development mode (a credential is needed there anyway)', () => {
    const keyed = createBrowserGuard({ devAnonymous: false, allowedOrigins: [], allowedHosts: [], bindHost: '0.0.0.0' });
    expect(keyed.check({ host: 'cogo.example.com' })).toBeUndefined();
    expect(keyed.check({ host: 'cogo.example.com', origin: 'https://cogo.example.com' })).toBeUndefined();
    expect(keyed.check({ host: 'cogo.example.com', origin: 'https://evil.example' })?.code).toBe('FORBIDDEN');
  });

  it('lists only the configured origins for CORS (the own origin needs none)', () => {
    expect(guard.isListedOrigin('https://app.example.com')).toBe(true);
    expect(guard.isListedOrigin('https://APP.example.com/')).toBe(true);
    expect(guard.isListedOrigin('http://127.0.0.1:4000')).toBe(false);
    expect(guard.isListedOrigin(undefined)).toBe(false);
  });

  it('knows JSON media types by their essence', () => {
    expect(isJsonContentType('application/json')).toBe(true);
    expect(isJsonContentType('application/json; charset=utf-8')).toBe(true);
    expect(isJsonContentType('application/graphql-response+json')).toBe(true);
    expect(isJsonContentType('text/plain;charset=application/json')).toBe(false);
    expect(isJsonContentType('application/x-www-form-urlencoded')).toBe(false);
    expect(isJsonContentType(undefined)).toBe(false);
  });
});

describe('JSON nesting limits', () => {
  it('find documents nested deeper than the limit, strings and escapes aside', () => {
    expect(jsonDepthExceeds('{"a":'.repeat(6000) + '1' + '}'.repeat(6000), 64)).toBe(true);
    expect(jsonDepthExceeds('{"a":[{"b":1}]}', 3)).toBe(false);
    expect(jsonDepthExceeds('{"a":[{"b":1}]}', 2)).toBe(true);
    expect(jsonDepthExceeds(JSON.stringify({ s: '{{{{[[[[\\"{{{{' }), 1)).toBe(false);
  });

  it('find parsed values nested deeper than the limit without recursion', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    expect(valueDepthExceeds(deep, 64)).toBe(true);
    expect(valueDepthExceeds({ a: [{ b: 1 }] }, 3)).toBe(false);
    expect(valueDepthExceeds(undefined, 1)).toBe(false);
  });
});

describe('cogo keys --expires', () => {
  it('reads durations from now and ISO dates, and refuses anything else', () => {
    expect(parseExpiry('30d', 0).getTime()).toBe(30 * 86_400_000);
    expect(parseExpiry('12h', 0).getTime()).toBe(12 * 3_600_000);
    expect(parseExpiry('2030-01-01T00:00:00Z').toISOString()).toBe('2030-01-01T00:00:00.000Z');
    expect(() => parseExpiry('soon')).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
  });
});
