import { execFileSync } from 'node:child_process';
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/paths.js';

/** Source files under node_modules (nested node_modules excluded), TypeScript first, in a fixed order. */
export function sourceFiles(): string[] {
  const out = execFileSync(
    'find',
    [
      // -H: node_modules may be a symlink (a git worktree shares the main checkout's).
      '-H',
      'node_modules',
      '-type',
      'f',
      '(',
      '-name',
      '*.ts',
      '-o',
      '-name',
      '*.js',
      '-o',
      '-name',
      '*.mjs',
      '-o',
      '-name',
      '*.md',
      ')',
      '-size',
      '-200k',
      '-not',
      '-path',
      'node_modules/*/node_modules/*',
    ],
    { cwd: PROJECT_ROOT, maxBuffer: 64 * 1024 * 1024 },
  );
  const files = out.toString().trim().split('\n').sort();
  return [...files.filter((f) => f.endsWith('.ts')), ...files.filter((f) => !f.endsWith('.ts'))];
}

/** Copies project files into `into` without the leading `node_modules/`: the scanner skips folders of that name. */
export async function copyTree(files: readonly string[], into: string) {
  for (const file of files) {
    const target = path.join(into, file.replace(/^node_modules\//, ''));
    await mkdir(path.dirname(target), { recursive: true });
    await copyFile(path.join(PROJECT_ROOT, file), target);
  }
}
