import { AppError } from '../../src/errors.js';

/** `{"$ref": "steps.<name>.output.<path>"}`: a step input's value taken from an earlier step's output. */
export interface Ref {
  step: string;
  path: string[];
  /** Where in the step's input the reference sits. */
  at: (string | number)[];
}

const REF = /^steps\.([A-Za-z0-9_-]{1,64})\.output((?:\.[^.]+)*)$/;

function isRefObject(value: unknown): value is { $ref: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && '$ref' in value;
}

/** Every reference in an input, in document order; a malformed one is BAD_INPUT naming where it is. */
export function findRefs(value: unknown, at: (string | number)[] = []): Ref[] {
  if (isRefObject(value)) {
    const match = typeof value.$ref === 'string' ? REF.exec(value.$ref) : null;
    if (!match) {
      throw new AppError('BAD_INPUT', `${at.join('.') || 'input'}: a $ref must read "steps.<name>.output.<path>"`, { via: 'execute' });
    }
    return [{ step: match[1] ?? '', path: (match[2] ?? '').split('.').filter(Boolean), at }];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => findRefs(v, [...at, i]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => findRefs(v, [...at, k]));
  return [];
}

export function valueAt(value: unknown, path: readonly string[]): unknown {
  let here = value;
  for (const key of path) {
    if (here === null || typeof here !== 'object') return undefined;
    here = (here as Record<string, unknown>)[key];
  }
  return here;
}

/** The input with each reference replaced by the output it names; a path that leads nowhere is BAD_INPUT. */
export function resolveRefs(value: unknown, outputs: ReadonlyMap<string, unknown>, at: (string | number)[] = []): unknown {
  if (isRefObject(value)) {
    const [ref] = findRefs(value, at);
    if (!ref || !outputs.has(ref.step)) throw new AppError('BAD_INPUT', `${at.join('.')}: step "${ref?.step}" has no output yet`, { via: 'execute' });
    const found = valueAt(outputs.get(ref.step), ref.path);
    if (found === undefined) {
      throw new AppError('BAD_INPUT', `${at.join('.')}: step "${ref.step}" output has nothing at ${ref.path.join('.') || '(root)'}`, { via: 'execute' });
    }
    return found;
  }
  if (Array.isArray(value)) return value.map((v, i) => resolveRefs(v, outputs, [...at, i]));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveRefs(v, outputs, [...at, k])]));
  return value;
}
