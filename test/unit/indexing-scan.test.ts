import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanRoot } from '../../agents/indexing/scan.js';

describe('scanRoot: the per-job byte limit (issue 9)', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'cogo-scan-limit-'));
    for (const name of ['a.md', 'b.md', 'c.md']) await writeFile(path.join(root, name), 'x'.repeat(100));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('admits files in path order until the next one would pass the limit, and reports the rest as job-byte-limit', async () => {
    const scan = await scanRoot({ root, maxJobBytes: 250, signal: new AbortController().signal });
    expect(scan.files.map((f) => f.path)).toEqual(['a.md', 'b.md']);
    expect(scan.skipped).toEqual([{ kind: 'skipped', path: 'c.md', reason: 'job-byte-limit', detail: 'the job may read 250 bytes' }]);
  });

  it('admits everything without a limit', async () => {
    const scan = await scanRoot({ root, signal: new AbortController().signal });
    expect(scan.files).toHaveLength(3);
  });
});
