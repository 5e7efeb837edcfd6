import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../src/errors.js';

export interface WorkFolder {
  dir: string;
  copiedBytes: number;
  copiedFiles: number;
  remove(): Promise<void>;
}

/** `<job>~<pid>~<random>`: whose folder it is, and which process on this host runs it. */
const SEPARATOR = '~';

function safeJobName(jobId: string): string {
  return jobId.replace(/[^A-Za-z0-9_.-]/g, '_');
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes work folders whose worker process is gone (killed mid-build: its builds left their folders), and, for
 * `jobId`, every earlier folder of that job that this process left (a retry): a re-run always starts clean.
 */
export async function sweepWorkFolders(root: string, jobId?: string): Promise<number> {
  const names = await fs.readdir(root).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    const [job, pidText] = name.split(SEPARATOR);
    const pid = Number(pidText);
    const dead = !Number.isInteger(pid) || pid <= 0 || !pidAlive(pid);
    const ownEarlier = jobId !== undefined && job === safeJobName(jobId) && pid === process.pid;
    if (dead || ownEarlier) {
      await fs.rm(path.join(root, name), { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}

/**
 * A fresh folder for one run of one job, holding a copy of the source. Symlinks are copied as links (inside the
 * sandbox they point into its own view, never at the host's files); special files are skipped. The copy stops
 * with PAYLOAD_TOO_LARGE past `maxBytes`. Owned by `hostUid` when given, so the sandbox's uid may write it.
 */
export async function createWorkFolder(options: {
  root: string;
  jobId: string;
  /** A folder to copy, or a function that fills the empty folder itself (a git clone), owned by the worker. */
  source: string | ((dir: string) => Promise<void>);
  maxBytes: number;
  hostUid: number | undefined;
  /** Folders never copied (real paths): the service's data folder, which holds the work folders themselves. */
  skip: readonly string[];
}): Promise<WorkFolder> {
  await fs.mkdir(options.root, { recursive: true, mode: 0o711 });
  await sweepWorkFolders(options.root, options.jobId);
  const dir = path.join(options.root, [safeJobName(options.jobId), process.pid, randomBytes(4).toString('hex')].join(SEPARATOR));
  await fs.mkdir(dir, { mode: 0o700 });
  const remove = () => fs.rm(dir, { recursive: true, force: true });
  const counts = { bytes: 0, files: 0 };
  try {
    if (typeof options.source === 'function') {
      await options.source(dir);
      if (options.hostUid !== undefined) await chownTree(dir, options.hostUid);
    } else await copyTree(options.source, dir, { maxBytes: options.maxBytes, uid: options.hostUid, skip: new Set(options.skip) }, counts);
    if (options.hostUid !== undefined) await fs.chown(dir, options.hostUid, options.hostUid);
  } catch (error) {
    await remove();
    throw error;
  }
  return { dir, copiedBytes: counts.bytes, copiedFiles: counts.files, remove };
}

interface CopyRules {
  maxBytes: number;
  uid: number | undefined;
  skip: ReadonlySet<string>;
}

async function copyTree(from: string, to: string, rules: CopyRules, counts: { bytes: number; files: number }): Promise<void> {
  const { maxBytes, uid } = rules;
  for (const entry of await fs.readdir(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) {
      // A source folder that holds the data folder (the default allowed root is the start folder, the default
      // data folder `.cogo` inside it) would copy the work folders into themselves.
      if (rules.skip.has(source)) continue;
      await fs.mkdir(target, { mode: 0o755 });
      await copyTree(source, target, rules, counts);
    } else if (entry.isSymbolicLink()) {
      await fs.symlink(await fs.readlink(source), target);
    } else if (entry.isFile()) {
      const { size } = await fs.stat(source);
      counts.bytes += size;
      if (counts.bytes > maxBytes)
        throw new AppError('PAYLOAD_TOO_LARGE', `the build source is larger than ${maxBytes} bytes (COGO_BUILD_MAX_SOURCE_BYTES)`, {
          via: 'build',
          retryable: false,
        });
      await fs.copyFile(source, target);
      counts.files++;
    } else continue;
    if (uid !== undefined) await fs.lchown(target, uid, uid);
  }
}

/** Gives what a fill function made to the sandbox's uid, links included (never following them). */
async function chownTree(dir: string, uid: number): Promise<void> {
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const target = path.join(dir, entry.name);
    if (entry.isDirectory()) await chownTree(target, uid);
    await fs.lchown(target, uid, uid);
  }
}
