import { promises as fs } from 'node:fs';
import path from 'node:path';
import ignore from 'ignore';

export interface MatchedFile {
  /** Relative to the work folder, with `/`. */
  path: string;
  absolute: string;
  size: number;
}

export interface Matches {
  files: MatchedFile[];
  /** Matches not kept, with why: too large, or past the count limit. */
  skipped: { path: string; reason: 'too-large' | 'too-many' }[];
}

/** Folders never walked: dependencies are inputs, not products (a glob may still name a file inside by path). */
const MAX_FILES_WALKED = 100_000;

/**
 * Files of the work folder matching the job's globs (gitignore-style patterns: `dist/**`, `*.tgz`, `out/app.js`).
 * Only regular files are taken: a symlink the build made (to `/etc/shadow`, say) is never followed, since it is
 * the worker, outside the sandbox, that reads what matched.
 */
export async function matchArtifacts(workDir: string, globs: readonly string[], limits: { maxFileBytes: number; maxFiles: number }): Promise<Matches> {
  const result: Matches = { files: [], skipped: [] };
  if (globs.length === 0) return result;
  const matcher = ignore().add([...globs]);
  let walked = 0;
  async function walk(dir: string, relative: string): Promise<void> {
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (++walked > MAX_FILES_WALKED) return;
      const rel = relative ? `${relative}/${entry.name}` : entry.name;
      const absolute = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        await walk(absolute, rel);
        continue;
      }
      if (!entry.isFile() || !matcher.ignores(rel)) continue;
      const stat = await fs.lstat(absolute);
      if (!stat.isFile()) continue;
      if (stat.size > limits.maxFileBytes) result.skipped.push({ path: rel, reason: 'too-large' });
      else if (result.files.length >= limits.maxFiles) result.skipped.push({ path: rel, reason: 'too-many' });
      else result.files.push({ path: rel, absolute, size: stat.size });
    }
  }
  await walk(workDir, '');
  return result;
}
