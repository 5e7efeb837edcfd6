import { describe, expect, it } from 'vitest';
import { parseJsonPath, selectAll, selectItems, selectOne, selectString } from '../../ingest/sources/json-path.js';

const doc = {
  results: [
    { name: 'a', links: { self: '/items/1' }, tags: ['x', 'y'], score: 0.5 },
    { name: 'b', links: { self: '/items/2' }, tags: [], 'odd key': true },
  ],
  meta: { total: 2 },
};

describe('selectAll', () => {
  it('walks dotted keys', () => {
    expect(selectAll(doc, '$.meta.total')).toEqual([2]);
  });
  it('indexes arrays from the start and from the end', () => {
    expect(selectOne(doc, '$.results[0].name')).toBe('a');
    expect(selectOne(doc, '$.results[-1].name')).toBe('b');
  });
  it('fans out on [*] and .*', () => {
    expect(selectAll(doc, '$.results[*].links.self')).toEqual(['/items/1', '/items/2']);
    expect(selectAll(doc, '$.meta.*')).toEqual([2]);
    expect(selectAll(doc, '$.results[*].tags[*]')).toEqual(['x', 'y']);
  });
  it('reads bracketed keys with spaces', () => {
    expect(selectAll(doc, "$.results[1]['odd key']")).toEqual([true]);
    expect(selectAll(doc, '$.results[1]["odd key"]')).toEqual([true]);
  });
  it('selects nothing for missing fields instead of throwing', () => {
    expect(selectAll(doc, '$.nope.deeper')).toEqual([]);
    expect(selectAll(doc, '$.results[5].name')).toEqual([]);
    expect(selectAll(doc, '$.meta[0]')).toEqual([]);
  });
  it('does not read inherited properties', () => {
    expect(selectAll(doc, '$.meta.constructor')).toEqual([]);
  });
  it('returns the root for $', () => {
    expect(selectAll(doc, '$')).toEqual([doc]);
  });
});

describe('selectItems', () => {
  it('gives array elements whether the path names the array or its elements', () => {
    expect(selectItems(doc, '$.results')).toHaveLength(2);
    expect(selectItems(doc, '$.results[*]')).toHaveLength(2);
  });
});

describe('selectString', () => {
  it('stringifies scalars and refuses objects', () => {
    expect(selectString(doc, '$.results[0].score')).toBe('0.5');
    expect(selectString(doc, '$.meta')).toBeUndefined();
  });
});

describe('parseJsonPath', () => {
  it.each(['results', '$..name', '$.a[?(@.x)]', '$.a[', '$.'])('refuses %s with BAD_INPUT', (path) => {
    expect(() => parseJsonPath(path)).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
  });
});
