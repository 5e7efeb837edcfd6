/** One difference between two specs, at a JSON path (`exports.2.name`). */
export interface SpecChange {
  path: string;
  change: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/**
 * Every leaf that differs between two JSON values, depth first; arrays compare by position (spec lists are
 * ordered: an export moved is a change worth seeing). Specs are small (validated, bounded), so no library needed.
 */
export function diffSpecs(before: unknown, after: unknown, path: string[] = []): SpecChange[] {
  const at = path.join('.');
  if (isRecord(before) && isRecord(after) && Array.isArray(before) === Array.isArray(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((key) => {
      if (!(key in after)) return [{ path: [...path, key].join('.'), change: 'removed' as const, before: before[key] }];
      if (!(key in before)) return [{ path: [...path, key].join('.'), change: 'added' as const, after: after[key] }];
      return diffSpecs(before[key], after[key], [...path, key]);
    });
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path: at, change: 'changed', before, after }];
}

/** What is in `after` and not in `before`, and the other way round. */
export function diffIds(before: readonly string[], after: readonly string[]): { added: string[]; removed: string[] } {
  return { added: after.filter((id) => !before.includes(id)), removed: before.filter((id) => !after.includes(id)) };
}
