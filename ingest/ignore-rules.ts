import ignore, { type Ignore } from 'ignore';

/** Directories no one wants indexed by default; an include pattern that names one lifts its skip. */
export const ALWAYS_SKIPPED_DIRS: readonly string[] = ['.git', 'node_modules'];

/** The rules of one `.gitignore`; `base` is its folder relative to the scan root ('' = the root). */
export interface GitignoreLayer {
  base: string;
  rules: Ignore;
}

// Case-sensitive, as git is on Linux (core.ignorecase=false); the `ignore` package defaults to insensitive.
const newRules = (): Ignore => ignore({ ignorecase: false });

export function gitignoreLayer(base: string, content: string): GitignoreLayer {
  return { base, rules: newRules().add(content) };
}

/**
 * Git's precedence: a deeper `.gitignore` overrides a shallower one, and inside one file the last matching
 * rule wins (which `ignore().test` already reports). Callers never descend into ignored folders, so, as in
 * git, a negation cannot re-include a file whose folder is ignored.
 */
export function isGitIgnored(layers: readonly GitignoreLayer[], relPath: string, isDir: boolean): boolean {
  for (let i = layers.length - 1; i >= 0; i -= 1) {
    const layer = layers[i]!;
    const local = layer.base === '' ? relPath : relPath.slice(layer.base.length + 1);
    const result = safeTest(layer.rules, isDir ? `${local}/` : local);
    if (result.ignored) return true;
    if (result.unignored) return false;
  }
  return false;
}

export interface PathFilter {
  /** Excluded by an `exclude` pattern or one of ALWAYS_SKIPPED_DIRS. */
  excludes(relPath: string, isDir: boolean): boolean;
  /** With no include patterns every file is included. */
  includes(relPath: string): boolean;
}

/**
 * Include and exclude patterns are gitignore-style (the `ignore` package), the same syntax as `.gitignore`:
 * `*.md` matches at any depth, `docs/` a folder, a leading `/` anchors at the root, `src/**` is everything
 * below `src`. Node 20's `path.matchesGlob` exists but is experimental and prints a warning, so it is not used.
 */
export function createPathFilter(options: { include?: readonly string[]; exclude?: readonly string[] }): PathFilter {
  const include = (options.include ?? []).filter((p) => p.trim() !== '');
  const includeRules = include.length > 0 ? newRules().add(include) : undefined;
  const excludeRules = newRules().add((options.exclude ?? []).filter((p) => p.trim() !== ''));
  const skippedDirs = new Set(ALWAYS_SKIPPED_DIRS.filter((dir) => !include.some((pattern) => pattern.split('/').includes(dir))));
  return {
    excludes(relPath, isDir) {
      if (isDir && skippedDirs.has(relPath.slice(relPath.lastIndexOf('/') + 1))) return true;
      return safeTest(excludeRules, isDir ? `${relPath}/` : relPath).ignored;
    },
    includes(relPath) {
      return includeRules === undefined || safeTest(includeRules, relPath).ignored;
    },
  };
}

const NO_MATCH = { ignored: false, unignored: false } as const;

/** `ignore` throws on names it cannot express as a pattern path (e.g. a folder called `...`): no rule matches them. */
function safeTest(rules: Ignore, relPath: string): { ignored: boolean; unignored: boolean } {
  try {
    return rules.test(relPath);
  } catch {
    return NO_MATCH;
  }
}
