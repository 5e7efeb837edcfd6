import { describe, expect, it } from 'vitest';
import { prefixPattern, toVectorLiteral, versionAtLeast } from '../../src/vectors/pgvector.js';

describe('toVectorLiteral', () => {
  it('writes seven significant digits, zeros as 0, NaN-free', () => {
    expect(toVectorLiteral([0, 0.123456789, -1, 1e-9])).toBe('[0,0.1234568,-1.000000,1.000000e-9]');
  });
  it('keeps what float4 can hold: the parsed values match float32 of the input', () => {
    const input = [0.7071067811865476, -0.000123456789, 0.333333333333];
    const parsed = JSON.parse(toVectorLiteral(input)) as number[];
    input.forEach((value, i) => expect(Math.abs(parsed[i]! - value) / Math.abs(value)).toBeLessThan(1e-6));
  });
});

describe('versionAtLeast', () => {
  it.each([
    ['0.8.0', '0.8.0', true],
    ['0.8.7', '0.8.0', true],
    ['0.10.0', '0.8.0', true],
    ['0.7.4', '0.8.0', false],
    [undefined, '0.8.0', false],
  ])('%s ≥ %s is %s', (have, want, expected) => expect(versionAtLeast(have, want)).toBe(expected));
});

describe('prefixPattern', () => {
  it('escapes LIKE metacharacters and appends %', () => {
    expect(prefixPattern('docs/100%_a\\b')).toBe('docs/100\\%\\_a\\\\b%');
  });
});
