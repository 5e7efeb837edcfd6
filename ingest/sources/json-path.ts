import { AppError } from '../../src/errors.js';

/**
 * A deliberately tiny JSONPath: `$`, `.name`, `['name']`, `[0]`, `[-1]`, `[*]` and `.*`. Enough to point a
 * mapping at fields of a domain API's JSON without code; filters and recursive descent are out of scope.
 */
export type JsonPathStep = { kind: 'key'; key: string } | { kind: 'index'; index: number } | { kind: 'all' };

const compiled = new Map<string, JsonPathStep[]>();

export function parseJsonPath(path: string): JsonPathStep[] {
  const known = compiled.get(path);
  if (known) return known;
  const bad = (why: string) => new AppError('BAD_INPUT', `JSON path "${path}": ${why}`, { via: 'research' });
  if (!path.startsWith('$')) throw bad('must start with $');
  const steps: JsonPathStep[] = [];
  const token = /\.([A-Za-z_$][\w$-]*)|\.\*|\[\*\]|\[(-?\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\]/y;
  token.lastIndex = 1;
  while (token.lastIndex < path.length) {
    const at = token.lastIndex;
    const match = token.exec(path);
    if (!match) throw bad(`unexpected "${path.slice(at, at + 10)}" at ${at}`);
    const [whole, name, index, single, double] = match;
    if (name !== undefined) steps.push({ kind: 'key', key: name });
    else if (index !== undefined) steps.push({ kind: 'index', index: Number(index) });
    else if (single !== undefined || double !== undefined) {
      steps.push({ kind: 'key', key: (single ?? double ?? '').replace(/\\(.)/g, '$1') });
    } else if (whole === '.*' || whole === '[*]') steps.push({ kind: 'all' });
  }
  compiled.set(path, steps);
  return steps;
}

/** Every value the path selects, in document order; missing fields select nothing rather than throwing. */
export function selectAll(value: unknown, path: string): unknown[] {
  let current: unknown[] = [value];
  for (const step of parseJsonPath(path)) {
    const next: unknown[] = [];
    for (const node of current) {
      if (step.kind === 'all') {
        if (Array.isArray(node)) next.push(...node);
        else if (node !== null && typeof node === 'object') next.push(...Object.values(node));
      } else if (step.kind === 'index') {
        if (Array.isArray(node)) {
          const item = node[step.index < 0 ? node.length + step.index : step.index];
          if (item !== undefined) next.push(item);
        }
      } else if (node !== null && typeof node === 'object' && !Array.isArray(node) && Object.hasOwn(node, step.key)) {
        next.push((node as Record<string, unknown>)[step.key]);
      }
    }
    current = next;
  }
  return current;
}

export function selectOne(value: unknown, path: string): unknown {
  return selectAll(value, path)[0];
}

/** A scalar as text (numbers and booleans too); objects, arrays and null give undefined. */
export function selectString(value: unknown, path: string): string | undefined {
  const found = selectOne(value, path);
  if (typeof found === 'string') return found;
  if (typeof found === 'number' || typeof found === 'boolean') return String(found);
  return undefined;
}

/**
 * The list a path points at: `$.results` (an array) and `$.results[*]` (its elements) both give the elements,
 * so a mapping works whichever way its author wrote it.
 */
export function selectItems(value: unknown, path: string): unknown[] {
  const found = selectAll(value, path);
  return found.length === 1 && Array.isArray(found[0]) ? found[0] : found;
}
