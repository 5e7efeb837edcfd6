import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { QUERY_LIMITS } from '../../src/server/query-limits.js';
import { startPlatform, type Platform } from './support/platform.js';

const aliases = (n: number, field: string) => Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ');

describe('GraphQL query limits', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform?.close());

  it('answers a document within the limits', async () => {
    const { data, errors } = await platform.graphql<Record<string, { __typename: string }>>(`{ ${aliases(QUERY_LIMITS.aliases, 'health { __typename }')} }`);
    expect(errors).toBeUndefined();
    expect(Object.keys(data!)).toHaveLength(QUERY_LIMITS.aliases);
  });

  it('refuses too many aliases and too deep a document with BAD_INPUT, running nothing', async () => {
    const before = await platform.runtime.queues.execute.count();
    const many = await platform.graphql(`mutation { ${aliases(QUERY_LIMITS.aliases + 1, 'enqueueExecute(input: {action: "noop"}) { jobId }')} }`);
    expect(many.data).toBeUndefined();
    expect(many.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_INPUT' } });
    expect(many.errors?.[0]?.message).toMatch(/aliases limit of 30 exceeded/i);
    expect(await platform.runtime.queues.execute.count()).toBe(before);

    const nested = Array.from({ length: QUERY_LIMITS.depth + 1 }, (_, i) => `f${i} {`).join(' ') + ' x' + ' }'.repeat(QUERY_LIMITS.depth + 1);
    const deep = await platform.graphql(`{ health { ${nested} } }`);
    expect(deep.errors?.map((e) => e.message).join('\n')).toMatch(/depth limit of 12 exceeded/i);
    expect(deep.errors?.every((e) => e.extensions.code === 'BAD_INPUT')).toBe(true);
  });

  it('applies the same limits to subscriptions over graphql-ws', async () => {
    const client = createClient({
      url: platform.url.replace('http', 'ws') + '/graphql',
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: platform.authorization },
    });
    try {
      const iterator = client.iterate({ query: `subscription { systemEvents { ${aliases(QUERY_LIMITS.aliases + 1, 'id')} } }` });
      const first = await iterator.next().then(
        (step) => step.value as unknown,
        (errors: unknown) => ({ errors }),
      );
      const errors = (first as { errors: { message: string; extensions?: { code?: string } }[] }).errors;
      expect(errors[0]?.message).toMatch(/aliases limit of 30 exceeded/i);
      expect(errors[0]?.extensions?.code).toBe('BAD_INPUT');
    } finally {
      await client.dispose();
    }
  });
});
