import { describe, expect, it } from 'vitest';
import { stepsOf } from '../../agents/execute/flow.js';
import { findRefs, resolveRefs } from '../../agents/execute/refs.js';

describe('execute flow references', () => {
  const input = { url: 'http://x', body: { order: { $ref: 'steps.order.output.body.id' }, lines: [1, { $ref: 'steps.pay.output.status' }] } };

  it('finds every reference with where it sits', () => {
    expect(findRefs(input)).toEqual([
      { step: 'order', path: ['body', 'id'], at: ['body', 'order'] },
      { step: 'pay', path: ['status'], at: ['body', 'lines', 1] },
    ]);
  });

  it('replaces each by the earlier output it names, leaving the rest as given', () => {
    const outputs = new Map<string, unknown>([
      ['order', { body: { id: 'o-1' } }],
      ['pay', { status: 200 }],
    ]);
    expect(resolveRefs(input, outputs)).toEqual({ url: 'http://x', body: { order: 'o-1', lines: [1, 200] } });
  });

  it('refuses a malformed reference, a step without output and a path that leads nowhere (BAD_INPUT)', () => {
    expect(() => findRefs({ a: { $ref: 'order.body.id' } })).toThrow(/a: a \$ref must read "steps.<name>.output.<path>"/);
    expect(() => resolveRefs(input, new Map())).toThrow(
      expect.objectContaining({ code: 'BAD_INPUT', message: expect.stringMatching(/"order" has no output yet/) }),
    );
    const noId = new Map<string, unknown>([
      ['order', { body: {} }],
      ['pay', { status: 200 }],
    ]);
    expect(() => resolveRefs(input, noId)).toThrow(/body\.order: step "order" output has nothing at body\.id/);
  });

  it('reads an object with more keys than $ref as plain data', () => {
    expect(findRefs({ a: { $ref: 'steps.x.output', other: 1 } })).toEqual([]);
  });

  it('turns the one-action form into a flow of one step named after its action', () => {
    expect(stepsOf({ action: 'http.request', params: { url: 'u' }, dryRun: false })).toEqual([
      { name: 'http-request', action: 'http.request', input: { url: 'u' } },
    ]);
    expect(stepsOf({ steps: [{ name: 'a', action: 'webhook.notify', input: null }], dryRun: false })).toEqual([
      { name: 'a', action: 'webhook.notify', input: {} },
    ]);
  });
});
