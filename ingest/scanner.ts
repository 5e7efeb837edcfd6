import fsCallback, { constants, promises as fs, type Dirent } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import pLimit from 'p-limit';
import { AppError } from '../src/errors.js';
import { createPathFilter, gitignoreLayer, isGitIgnored, type GitignoreLayer, type PathFilter } from './ignore-rules.js';
import { isInside, isNeverRead } from '../src/fs/allowed-roots.js';

export { resolveIndexRoot, type ResolveIndexRootOptions } from '../src/fs/allowed-roots.js';

export type SkipReason =
  | 'binary'
  | 'too-large'
  | 'ignored'
  | 'symlink-outside-root'
  | 'symlink-loop'
  | 'unreadable'
  /** A FIFO, socket or device: reading one can block forever or stream without end. */
  | 'special-file'
  /** Under /proc, /sys or /dev (reached when an allowed root contains them). */
  | 'never-read'
  /** Past the job's byte limit (`maxJobBytes`). */
  | 'job-byte-limit';

export interface ScannedFile {
  kind: 'file';
  /** Relative to the scan root, `/`-separated. */
  path: string;
  absolutePath: string;
  size: number;
  mtimeMs: number;
  /** Set when the file was reached through a symlink: the root-relative path of the real file. */
  symlinkTarget?: string;
}

export interface SkippedEntry {
  kind: 'skipped';
  /** Relative to the scan root; folders end with `/`. */
  path: string;
  reason: SkipReason;
  detail?: string;
}

export type ScanEntry = ScannedFile | SkippedEntry;

export interface ScanOptions {
  /** A directory; validate user input with `resolveIndexRoot` first. */
  root: string;
  /** Gitignore-style patterns; when given, only matching files are yielded. */
  include?: string[];
  /** Gitignore-style patterns, applied on top of every `.gitignore`. */
  exclude?: string[];
  /** Default 1 MiB. */
  maxFileBytes?: number;
  /** Default true. */
  gitignore?: boolean;
  /** Parallel stat/read calls inside one folder. Default 32. */
  concurrency?: number;
  signal?: AbortSignal;
}

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
const BINARY_PROBE_BYTES = 8 * 1024;

interface Folder {
  rel: string;
  real: string;
  /** Real paths of this folder and every folder above it: a symlink back to one of them is a loop. */
  ancestors: readonly string[];
  viaLink: boolean;
  layers: readonly GitignoreLayer[];
}

interface Walk {
  rootReal: string;
  filter: PathFilter;
  maxFileBytes: number;
  gitignore: boolean;
  limit: ReturnType<typeof pLimit>;
  signal: AbortSignal | undefined;
}

type Inspected = { kind: 'folder'; folder: Folder } | ScanEntry;

/**
 * Every file under `root`, in code-unit order of the relative path, each once. Skipped entries are yielded too,
 * with their reason, so a caller can report them; an ignored folder is reported once, not file by file.
 * Aborting `signal` makes the iteration throw the signal's reason.
 */
export async function* scanFiles(options: ScanOptions): AsyncGenerator<ScanEntry> {
  const rootReal = await fs.realpath(options.root).catch((error: unknown) => {
    throw new AppError('BAD_INPUT', `scan root "${options.root}" does not exist`, { via: 'indexing', cause: error });
  });
  if (isNeverRead(rootReal)) {
    throw new AppError('FORBIDDEN', `scan root "${options.root}" is a kernel view (/proc, /sys, /dev) and is never read`, { via: 'indexing' });
  }
  if (!(await fs.stat(rootReal)).isDirectory()) {
    throw new AppError('BAD_INPUT', `scan root "${options.root}" is not a directory`, { via: 'indexing' });
  }
  const walk: Walk = {
    rootReal,
    filter: createPathFilter(options),
    maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    gitignore: options.gitignore ?? true,
    limit: pLimit(options.concurrency ?? 32),
    signal: options.signal,
  };
  yield* walkFolder(walk, { rel: '', real: rootReal, ancestors: [rootReal], viaLink: false, layers: [] });
}

async function* walkFolder(walk: Walk, folder: Folder): AsyncGenerator<ScanEntry> {
  walk.signal?.throwIfAborted();
  let dirents: Dirent[];
  try {
    dirents = await fs.readdir(folder.real, { withFileTypes: true });
  } catch (error) {
    if (folder.rel === '') {
      throw new AppError('BAD_INPUT', `scan root "${folder.real}" cannot be read (${errorCode(error)})`, {
        via: 'indexing',
        cause: error,
      });
    }
    yield skipped(`${folder.rel}/`, 'unreadable', errorCode(error));
    return;
  }
  const here = walk.gitignore && dirents.some((d) => d.name === '.gitignore' && !d.isDirectory()) ? await readGitignore(folder) : undefined;
  const inFolder: Folder = here ? { ...folder, layers: [...folder.layers, here] } : folder;

  const inspected = await Promise.all(dirents.map((d) => walk.limit(() => inspect(walk, inFolder, d))));
  walk.signal?.throwIfAborted();
  // A folder sorts as `name/`, which makes depth-first order equal to sorting the full relative paths.
  const keyed = inspected.map((entry) => ({ entry, key: entry.kind === 'folder' ? `${entry.folder.rel}/` : entry.path }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const { entry } of keyed) {
    if (entry.kind === 'folder') yield* walkFolder(walk, entry.folder);
    else yield entry;
  }
}

async function readGitignore(folder: Folder): Promise<GitignoreLayer | undefined> {
  try {
    return gitignoreLayer(folder.rel, await fs.readFile(path.join(folder.real, '.gitignore'), 'utf8'));
  } catch {
    // An unreadable .gitignore cannot hide anything; the scan goes on without it.
    return undefined;
  }
}

async function inspect(walk: Walk, folder: Folder, dirent: Dirent): Promise<Inspected> {
  const rel = folder.rel === '' ? dirent.name : `${folder.rel}/${dirent.name}`;
  let real = path.join(folder.real, dirent.name);
  let viaLink = folder.viaLink;
  let isDir = dirent.isDirectory();
  let isFile = dirent.isFile();

  if (dirent.isSymbolicLink()) {
    try {
      real = await fs.realpath(real);
    } catch (error) {
      return skipped(rel, 'unreadable', `broken symlink (${errorCode(error)})`);
    }
    if (!isInside(real, walk.rootReal)) return skipped(rel, 'symlink-outside-root');
    const target = await fs.stat(real).catch(() => undefined);
    if (!target) return skipped(rel, 'unreadable', 'symlink target vanished');
    viaLink = true;
    isDir = target.isDirectory();
    isFile = target.isFile();
  }
  if (isNeverRead(real)) return skipped(isDir ? `${rel}/` : rel, 'never-read');

  if (isDir) {
    if (walk.filter.excludes(rel, true) || isGitIgnored(folder.layers, rel, true)) return skipped(`${rel}/`, 'ignored');
    if (folder.ancestors.includes(real)) return skipped(`${rel}/`, 'symlink-loop');
    const ancestors = [...folder.ancestors, real];
    return { kind: 'folder', folder: { rel, real, ancestors, viaLink, layers: folder.layers } };
  }
  if (!isFile) return skipped(rel, 'special-file');
  if (walk.filter.excludes(rel, false) || isGitIgnored(folder.layers, rel, false) || !walk.filter.includes(rel)) {
    return skipped(rel, 'ignored');
  }
  return inspectFile(walk, rel, real, viaLink);
}

async function inspectFile(walk: Walk, rel: string, real: string, viaLink: boolean): Promise<ScanEntry> {
  try {
    const stat = await fs.stat(real);
    if (!stat.isFile()) return skipped(rel, 'special-file');
    if (stat.size > walk.maxFileBytes) return skipped(rel, 'too-large', `${stat.size} bytes > ${walk.maxFileBytes}`);
    if (stat.size > 0 && (await readHead(real, Math.min(BINARY_PROBE_BYTES, stat.size))).includes(0)) {
      return skipped(rel, 'binary');
    }
    const file: ScannedFile = {
      kind: 'file',
      path: rel,
      absolutePath: path.join(walk.rootReal, ...rel.split('/')),
      size: stat.size,
      mtimeMs: stat.mtimeMs,
    };
    if (viaLink) file.symlinkTarget = path.relative(walk.rootReal, real).split(path.sep).join('/');
    return file;
  } catch (error) {
    return skipped(rel, 'unreadable', errorCode(error));
  }
}

const openFd = promisify(fsCallback.open);
const readFd = promisify(fsCallback.read);
const closeFd = promisify(fsCallback.close);

/** The first bytes of a file, through plain descriptors: lighter than FileHandle objects over 100k files. */
async function readHead(filePath: string, bytes: number): Promise<Buffer> {
  // Non-blocking: a FIFO swapped in after the stat must not hang the scan waiting for a writer.
  const fd = await openFd(filePath, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await readFd(fd, buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await closeFd(fd);
  }
}

function skipped(relPath: string, reason: SkipReason, detail?: string): SkippedEntry {
  const entry: SkippedEntry = { kind: 'skipped', path: relPath, reason };
  if (detail !== undefined) entry.detail = detail;
  return entry;
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? 'unknown error';
}
