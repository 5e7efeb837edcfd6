import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { readIndexableFile } from '../../ingest/read-file.js';
import { resolveIndexRoot, scanFiles, type ScanEntry, type ScanOptions } from '../../ingest/scanner.js';

let sandbox: string;
let root: string;
let outside: string;

async function put(relPath: string, content: string | Buffer): Promise<void> {
  const target = path.join(root, relPath);
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, content);
}

async function scan(options: Partial<ScanOptions> = {}): Promise<{ files: string[]; skipped: Record<string, string> }> {
  const entries: ScanEntry[] = [];
  for await (const entry of scanFiles({ root, ...options })) entries.push(entry);
  const files = entries.flatMap((e) => (e.kind === 'file' ? [e.path] : []));
  const skipped = Object.fromEntries(entries.flatMap((e) => (e.kind === 'skipped' ? [[e.path, e.reason]] : [])));
  return { files, skipped };
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

beforeAll(async () => {
  sandbox = await realpath(await mkdtemp(path.join(os.tmpdir(), 'cogo-scan-')));
  root = path.join(sandbox, 'repo');
  outside = path.join(sandbox, 'outside');
  await mkdir(outside, { recursive: true });
  await writeFile(path.join(outside, 'secret.txt'), 'not yours');

  await put('.gitignore', 'dist/\n*.log\n!keep.log\n');
  await put('README.md', '# Readme\n');
  await put('keep.log', 'kept by a negation\n');
  await put('debug.log', 'ignored by *.log\n');
  await put('UPPER.LOG', 'kept: patterns are case-sensitive, as git is on Linux\n');
  await put('dist/bundle.js', 'ignored folder\n');
  await put('src/a.ts', 'export const a = 1;\n');
  await put('src/.gitignore', 'generated/\nsecret.ts\n');
  await put('src/secret.ts', 'ignored by the nested .gitignore\n');
  await put('src/generated/types.ts', 'ignored folder in a nested .gitignore\n');
  await put('src/nested/.gitignore', '!secret.ts\n');
  await put('src/nested/secret.ts', 'a deeper .gitignore re-includes it\n');
  await put('image.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]));
  await put('big.txt', 'x'.repeat(5000));
  await put('node_modules/pkg/index.js', 'module.exports = 1;\n');
  await put('.git/HEAD', 'ref: refs/heads/main\n');
  await symlink(path.join(outside, 'secret.txt'), path.join(root, 'link-out.txt'));
  await symlink(outside, path.join(root, 'link-out-dir'));
  await symlink('/etc', path.join(root, 'link-etc'));
  execFileSync('mkfifo', [path.join(root, 'pipe')]);
  await symlink(path.join(root, 'README.md'), path.join(root, 'link-in.md'));
  await mkdir(path.join(root, 'loop'));
  await put('loop/file.txt', 'inside the loop folder\n');
  await symlink(root, path.join(root, 'loop', 'to-root'));
  await symlink('.', path.join(root, 'loop', 'to-self'));
});

afterAll(async () => {
  await rm(sandbox, { recursive: true, force: true });
});

describe('scanFiles', () => {
  it('yields text files in sorted order and reports every skip with its reason', async () => {
    const { files, skipped } = await scan({ maxFileBytes: 4096 });
    expect(files).toEqual([
      '.gitignore',
      'README.md',
      'UPPER.LOG',
      'keep.log',
      'link-in.md',
      'loop/file.txt',
      'src/.gitignore',
      'src/a.ts',
      'src/nested/.gitignore',
      'src/nested/secret.ts',
    ]);
    expect(skipped).toEqual({
      '.git/': 'ignored',
      'big.txt': 'too-large',
      'debug.log': 'ignored',
      'dist/': 'ignored',
      'image.png': 'binary',
      'link-etc': 'symlink-outside-root',
      'link-out-dir': 'symlink-outside-root',
      'link-out.txt': 'symlink-outside-root',
      'loop/to-root/': 'symlink-loop',
      'loop/to-self/': 'symlink-loop',
      'node_modules/': 'ignored',
      pipe: 'special-file',
      'src/generated/': 'ignored',
      'src/secret.ts': 'ignored',
    });
  });

  it('gives size, mtime, an absolute path and, through a symlink, the real target', async () => {
    const entries: ScanEntry[] = [];
    for await (const entry of scanFiles({ root })) entries.push(entry);
    const readme = entries.find((e) => e.path === 'README.md');
    const link = entries.find((e) => e.path === 'link-in.md');
    expect(readme).toMatchObject({ kind: 'file', absolutePath: path.join(root, 'README.md'), size: 9 });
    expect(readme?.kind === 'file' && readme.mtimeMs > 0).toBe(true);
    expect(readme).not.toHaveProperty('symlinkTarget');
    expect(link).toMatchObject({ kind: 'file', symlinkTarget: 'README.md', size: 9 });
  });

  it('keeps only included files and drops excluded folders', async () => {
    const included = await scan({ include: ['*.md'] });
    expect(included.files).toEqual(['README.md', 'link-in.md']);
    expect(included.skipped['src/a.ts']).toBe('ignored');

    const excluded = await scan({ exclude: ['src/', 'loop'] });
    expect(excluded.files).toEqual(['.gitignore', 'README.md', 'UPPER.LOG', 'big.txt', 'keep.log', 'link-in.md']);
    expect(excluded.skipped['src/']).toBe('ignored');
  });

  it('enters node_modules only when an include pattern names it', async () => {
    expect((await scan()).files).not.toContain('node_modules/pkg/index.js');
    expect((await scan({ include: ['node_modules/pkg/**'] })).files).toEqual(['node_modules/pkg/index.js']);
  });

  it('can ignore the .gitignore files', async () => {
    const { files } = await scan({ gitignore: false, include: ['*.log', '*.ts'] });
    expect(files).toEqual(['debug.log', 'keep.log', 'src/a.ts', 'src/generated/types.ts', 'src/nested/secret.ts', 'src/secret.ts']);
  });

  it('stops with the abort reason', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop now'));
    await expect(scan({ signal: controller.signal })).rejects.toThrow('stop now');
  });

  it('refuses a root that does not exist', async () => {
    const error = await refusal(scan({ root: path.join(sandbox, 'missing') }));
    expect(error.code).toBe('BAD_INPUT');
  });
});

describe('resolveIndexRoot (issue 9: filesystem roots)', () => {
  const refusedMessage = (requested: string) => `indexing root "${requested}" is not an existing folder inside the allowed roots (COGO_INDEX_ROOTS)`;

  it('returns the real path of an allowed folder, and resolves a relative root from the start folder', async () => {
    await expect(resolveIndexRoot(path.join(root, 'src', '..', 'src'), [sandbox])).resolves.toBe(path.join(root, 'src'));
    await expect(resolveIndexRoot('repo/src', [sandbox], { baseDir: sandbox })).resolves.toBe(path.join(root, 'src'));
  });

  it('compares real paths on both sides: an allowed root given through a symlink allows its target', async () => {
    const alias = path.join(sandbox, 'alias-of-repo');
    await symlink(root, alias);
    await expect(resolveIndexRoot(path.join(root, 'src'), [alias])).resolves.toBe(path.join(root, 'src'));
  });

  describe('every refusal is one FORBIDDEN message, whether or not the path exists', () => {
    it.each([
      ['/etc', () => '/etc'],
      ['/proc/self', () => '/proc/self'],
      ['a symlink (inside the root) to /etc', () => path.join(root, 'link-etc')],
      ['a symlink inside the root that leads outside it', () => path.join(root, 'link-out-dir')],
      ['a `..` path climbing out of the root', () => `${root}/../outside`],
      ['a relative `..` path', () => '../outside'],
      ['a folder that does not exist (inside the root)', () => path.join(root, 'nope')],
      ['a folder that does not exist (outside the root)', () => path.join(outside, 'nope')],
      ['a file', () => path.join(root, 'README.md')],
      ['a FIFO', () => path.join(root, 'pipe')],
    ])('%s', async (_name, requested) => {
      const error = await refusal(resolveIndexRoot(requested(), [root], { baseDir: root }));
      expect(error.code).toBe('FORBIDDEN');
      expect(error.retryable).toBe(false);
      expect(error.message).toBe(refusedMessage(requested()));
    });

    it('refuses /proc even when the allowed roots include /', async () => {
      const error = await refusal(resolveIndexRoot('/proc/self', ['/']));
      expect(error.message).toBe(refusedMessage('/proc/self'));
      await expect(resolveIndexRoot(root, ['/'])).resolves.toBe(root);
    });

    it('refuses everything when no root is allowed, and a relative root without a start folder', async () => {
      expect((await refusal(resolveIndexRoot(root, []))).code).toBe('FORBIDDEN');
      expect((await refusal(resolveIndexRoot('repo', [sandbox]))).code).toBe('FORBIDDEN');
    });
  });

  it('answers an empty root or a NUL byte with BAD_INPUT', async () => {
    expect((await refusal(resolveIndexRoot(' ', [root]))).code).toBe('BAD_INPUT');
    expect((await refusal(resolveIndexRoot(`${root}\0x`, [root]))).code).toBe('BAD_INPUT');
  });
});

describe('readIndexableFile (issue 9: special files are never read)', () => {
  it('reads a plain file', async () => {
    expect((await readIndexableFile(path.join(root, 'README.md'), 1024)).toString()).toBe('# Readme\n');
  });

  it('refuses a FIFO at once instead of waiting for a writer', async () => {
    await expect(readIndexableFile(path.join(root, 'pipe'), 1024)).rejects.toMatchObject({ code: 'not a regular file' });
  });

  it('refuses a file that reports size 0 but streams (a kernel file)', async () => {
    await expect(readIndexableFile('/proc/self/status', 1024 * 1024)).rejects.toMatchObject({ code: 'grew while being read (a streaming file)' });
  });

  it('refuses a file over the per-file limit without reading it', async () => {
    await expect(readIndexableFile(path.join(root, 'big.txt'), 100)).rejects.toMatchObject({ code: 'too large (5000 bytes > 100)' });
  });
});
