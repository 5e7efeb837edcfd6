import { describe, expect, it } from 'vitest';
import { vanishedPaths } from '../../agents/indexing/cleanup.js';
import type { ScanResult } from '../../agents/indexing/scan.js';
import type { FileState } from '../../src/vectors/index.js';

const known = (...paths: string[]) => new Map(paths.map((p) => [p, { size: 1, mtimeMs: 1, sha256: 'x', runKey: 'r' } as unknown as FileState]));
const file = (p: string) => ({ kind: 'file' as const, path: p, absolutePath: `/r/${p}`, size: 1, mtimeMs: 1 });

describe('vanishedPaths (issue 9: a narrower filter does not empty the index)', () => {
  const scan: ScanResult = {
    files: [file('kept.md')],
    skipped: [
      { kind: 'skipped', path: 'docs/', reason: 'ignored' },
      { kind: 'skipped', path: 'notes.txt', reason: 'ignored' },
      { kind: 'skipped', path: 'locked.md', reason: 'unreadable' },
      { kind: 'skipped', path: 'late.md', reason: 'job-byte-limit' },
      { kind: 'skipped', path: 'huge.md', reason: 'too-large' },
    ],
  };
  const states = known('kept.md', 'docs/a.md', 'docs/deep/b.md', 'notes.txt', 'locked.md', 'late.md', 'huge.md', 'gone.md');

  it('without prune, deletes only files that are gone or no longer indexable, never ones the filter left out', () => {
    expect(vanishedPaths(scan, states, { prune: false })).toEqual(['gone.md', 'huge.md']);
  });

  it('with prune, also deletes files that fell out of the filter, and still keeps unreadable or over-limit ones', () => {
    expect(vanishedPaths(scan, states, { prune: true })).toEqual(['docs/a.md', 'docs/deep/b.md', 'gone.md', 'huge.md', 'notes.txt']);
  });
});
