import { promises as fs } from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors.js';

export interface ResolveIndexRootOptions {
  /**
   * Where a relative root starts from: the folder the service was started in (config). Without it a relative
   * root is refused: a worker must not guess another process's working directory.
   */
  baseDir?: string;
  /** What the path is, in messages (default `indexing root`), and which component refuses it (default `indexing`). */
  subject?: string;
  via?: string;
  /** What the path must be (default `directory`); a file is read by the Figma import (issue 13). */
  expect?: 'directory' | 'file';
}

/**
 * Kernel views that stream rather than store (`/proc/self/environ`, `/sys/...`, `/dev/zero`): never read, even
 * when an allowed root contains them (an operator who allows `/`).
 */
export const NEVER_READ: readonly string[] = ['/proc', '/sys', '/dev'];

/**
 * Turns a user-supplied indexing root into a real, absolute directory path inside the allowed roots, or refuses
 * it. Both sides are compared after `realpath` (symlinks and `..` resolved). Every refusal of a well-formed path
 * is the same FORBIDDEN message, whether the path exists, is a file, is outside or is a kernel view: the answer
 * must not tell a caller what exists on the machine (DESIGN §7). An empty `allowedRoots` allows nothing.
 */
export async function resolveIndexRoot(root: string, allowedRoots: readonly string[], options: ResolveIndexRootOptions = {}): Promise<string> {
  const subject = options.subject ?? 'indexing root';
  const via = options.via ?? 'indexing';
  const refused = (root: string) => refusedRoot(root, subject, via);
  if (typeof root !== 'string' || root.trim() === '') throw badInput(`the ${subject} is empty`, via);
  if (root.includes('\0')) throw badInput(`the ${subject} contains a NUL byte`, via);
  if (!path.isAbsolute(root) && options.baseDir === undefined) throw refused(root);

  const requested = path.resolve(options.baseDir ?? '/', root);
  const real = await fs.realpath(requested).catch(() => undefined);
  if (real === undefined || isNeverRead(real)) throw refused(root);
  const allowed = await realAllowedRoots(allowedRoots);
  if (!allowed.some((a) => isInside(real, a))) throw refused(root);
  const stat = await fs.stat(real).catch(() => undefined);
  if (!(options.expect === 'file' ? stat?.isFile() : stat?.isDirectory())) throw refused(root);
  return real;
}

/** True when `candidate` is `parent` or lies below it (both absolute, normalized). */
export function isInside(candidate: string, parent: string): boolean {
  if (candidate === parent) return true;
  const prefix = parent.endsWith(path.sep) ? parent : parent + path.sep;
  return candidate.startsWith(prefix);
}

/** True for a real path under `/proc`, `/sys` or `/dev`. */
export function isNeverRead(realPath: string): boolean {
  return NEVER_READ.some((kernelView) => isInside(realPath, kernelView));
}

async function realAllowedRoots(allowedRoots: readonly string[]): Promise<string[]> {
  const real = await Promise.all(allowedRoots.map((allowedRoot) => fs.realpath(path.resolve(allowedRoot)).catch(() => undefined)));
  // An allowed root that does not exist (yet) allows nothing: its unresolved name could later become a symlink.
  return real.filter((r): r is string => r !== undefined);
}

/** The one answer for every refused root (see resolveIndexRoot): it names the setting, never the reason. */
function refusedRoot(root: string, subject: string, via: string): AppError {
  return new AppError('FORBIDDEN', `${subject} "${root}" is not an existing folder inside the allowed roots (COGO_INDEX_ROOTS)`, { via, retryable: false });
}

function badInput(message: string, via: string): AppError {
  return new AppError('BAD_INPUT', message, { via });
}
