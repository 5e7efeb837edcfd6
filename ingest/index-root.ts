import { promises as fs } from 'node:fs';
import path from 'node:path';
import { AppError } from '../src/errors.js';

export interface ResolveIndexRootOptions {
  /** Where a relative root starts from. Default: the process working directory. */
  baseDir?: string;
}

/**
 * Turns a user-supplied indexing root into a real, absolute directory path, or refuses it with BAD_INPUT
 * (DESIGN §7: path traversal in indexing roots changes nothing). `allowedRoots` empty = any directory.
 */
export async function resolveIndexRoot(
  root: string,
  allowedRoots: readonly string[],
  options: ResolveIndexRootOptions = {},
): Promise<string> {
  if (typeof root !== 'string' || root.trim() === '') throw badInput('the indexing root is empty');
  if (root.includes('\0')) throw badInput('the indexing root contains a NUL byte');

  const baseDir = path.resolve(options.baseDir ?? process.cwd());
  if (!path.isAbsolute(root)) {
    const relative = path.normalize(root);
    if (relative === '..' || relative.startsWith(`..${path.sep}`)) {
      throw badInput(`indexing root "${root}" climbs out of ${baseDir} with ".."; pass an absolute path instead`, {
        root,
      });
    }
  }
  const requested = path.resolve(baseDir, root);

  const allowed = await realAllowedRoots(allowedRoots);
  // Checked before touching the target, so a refused path never reveals whether it exists.
  if (allowed.length > 0 && !allowed.some((a) => isInside(requested, a.given) || isInside(requested, a.real))) {
    throw outsideAllowed(root, allowedRoots);
  }

  let real: string;
  try {
    real = await fs.realpath(requested);
  } catch (error) {
    throw fsProblem(root, error);
  }
  const stat = await fs.stat(real).catch((error: unknown) => {
    throw fsProblem(root, error);
  });
  if (!stat.isDirectory()) throw badInput(`indexing root "${root}" is not a directory`, { root });

  // A symlink inside an allowed root may still point outside it: the real path decides.
  if (allowed.length > 0 && !allowed.some((a) => isInside(real, a.real))) throw outsideAllowed(root, allowedRoots);
  return real;
}

/** True when `candidate` is `parent` or lies below it (both absolute, normalized). */
export function isInside(candidate: string, parent: string): boolean {
  if (candidate === parent) return true;
  const prefix = parent.endsWith(path.sep) ? parent : parent + path.sep;
  return candidate.startsWith(prefix);
}

async function realAllowedRoots(allowedRoots: readonly string[]): Promise<{ given: string; real: string }[]> {
  return Promise.all(
    allowedRoots.map(async (allowedRoot) => {
      const given = path.resolve(allowedRoot);
      const real = await fs.realpath(given).catch(() => given);
      return { given, real };
    }),
  );
}

function outsideAllowed(root: string, allowedRoots: readonly string[]): AppError {
  return badInput(
    `indexing root "${root}" is outside the allowed roots (${allowedRoots.join(', ')}); ` +
      'add it to COGO_INDEX_ROOTS to allow it',
    { root, allowedRoots: [...allowedRoots] },
  );
}

function fsProblem(root: string, error: unknown): AppError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason =
    code === 'ENOENT' || code === 'ENOTDIR'
      ? 'does not exist'
      : code === 'EACCES' || code === 'EPERM'
        ? 'cannot be read (permission denied)'
        : code === 'ELOOP'
          ? 'is a symlink loop'
          : `cannot be opened (${code ?? 'unknown error'})`;
  return badInput(`indexing root "${root}" ${reason}`, { root }, error);
}

function badInput(message: string, details?: Record<string, unknown>, cause?: unknown): AppError {
  return new AppError('BAD_INPUT', message, { via: 'indexing', details, cause });
}
