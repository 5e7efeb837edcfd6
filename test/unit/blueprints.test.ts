import { describe, expect, it } from 'vitest';
import { parseBlueprintSpec } from '../../src/blueprints/blueprint-spec.js';
import { diffIds, diffSpecs } from '../../src/blueprints/spec-diff.js';
import { isAppError } from '../../src/errors.js';

describe('blueprint specs', () => {
  it('fills defaults and keeps what the kind allows', () => {
    expect(parseBlueprintSpec('module', { summary: 'Routes requests.' })).toEqual({
      summary: 'Routes requests.',
      responsibilities: [],
      exports: [],
      dependsOn: [],
    });
  });

  it('refuses an unknown kind, unknown fields and missing ones with BAD_INPUT naming them', () => {
    const refusal = (kind: string, spec: unknown) => {
      try {
        parseBlueprintSpec(kind, spec);
      } catch (error) {
        return isAppError(error) ? `${error.code}: ${error.message}` : String(error);
      }
      return 'accepted';
    };
    expect(refusal('widget', {})).toMatch(/^BAD_INPUT: unknown blueprint kind "widget"; use one of: module, component, service/);
    expect(refusal('component', { summary: 'x', exports: [] })).toMatch(/^BAD_INPUT: the component spec is not valid \(spec: .*exports/);
    expect(refusal('service', { operations: [] })).toMatch(/summary/);
  });
});

describe('blueprint diffs', () => {
  it('names every changed, added and removed leaf by its JSON path, arrays by position', () => {
    const before = { summary: 'a', exports: [{ name: 'x', kind: 'function' }], dependsOn: ['p'] };
    const after = {
      summary: 'b',
      exports: [
        { name: 'x', kind: 'class' },
        { name: 'y', kind: 'type' },
      ],
      states: [],
    };
    expect(diffSpecs(before, after)).toEqual([
      { path: 'summary', change: 'changed', before: 'a', after: 'b' },
      { path: 'exports.0.kind', change: 'changed', before: 'function', after: 'class' },
      { path: 'exports.1', change: 'added', after: { name: 'y', kind: 'type' } },
      { path: 'dependsOn', change: 'removed', before: ['p'] },
      { path: 'states', change: 'added', after: [] },
    ]);
    expect(diffSpecs(before, structuredClone(before))).toEqual([]);
    expect(diffIds(['a', 'b'], ['b', 'c'])).toEqual({ added: ['c'], removed: ['a'] });
  });
});
