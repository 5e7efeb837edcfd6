import { spawn } from 'node:child_process';
import { constants, promises as fs } from 'node:fs';
import { AppError } from '../../src/errors.js';
import { isFullSha } from '../../src/queue/git-source.js';

export interface CloneOptions {
  /** A checked URL (src/queue/git-source.ts `checkGitSource`) and the `host:port:address` pins it returned. */
  url: string;
  pins: readonly string[];
  ref: string;
  /** An empty folder: the work folder. */
  dir: string;
  /** Bytes the checked-out tree may hold (COGO_BUILD_MAX_SOURCE_BYTES); also each file git writes (RLIMIT_FSIZE). */
  maxBytes: number;
  timeoutMs: number;
  prlimit: string;
  signal: AbortSignal;
}

const GIT_CANDIDATES = ['/usr/bin/git', '/bin/git', '/usr/local/bin/git'];

/**
 * Fetches one commit of a git repository into `dir` with the `git` binary, outside the sandbox but with nothing of
 * COGO's: a cleared environment (no proxy, token or credential helper; system and global git config ignored), no
 * prompts, no redirects, no hooks, only the URL's own protocol, and, for a named host, connections pinned to the
 * addresses the SSRF guard checked (`http.curloptResolve`: no second DNS answer). Shallow: `fetch --depth 1` of
 * the branch, tag or commit (a server that refuses an unadvertised commit gets a full fetch instead). The tree's
 * size is summed from `git ls-tree` before anything is checked out; the whole run has a wall-clock limit that kills
 * git's process group. Returns the commit sha.
 */
export async function cloneGitSource(options: CloneOptions): Promise<string> {
  const git = await findGit();
  const deadline = Date.now() + options.timeoutMs;
  const scheme = new URL(options.url).protocol.replace(/:$/, '');
  const config = [
    'protocol.allow=never',
    `protocol.${scheme}.allow=always`,
    'http.followRedirects=false',
    'credential.helper=',
    'core.hooksPath=/dev/null',
    'core.fsmonitor=false',
    'transfer.fsckObjects=true',
    'submodule.recurse=false',
    ...options.pins.map((pin) => `http.curloptResolve=${pin}`),
  ].flatMap((c) => ['-c', c]);
  const raw = (args: string[]) => runGit(git, [...config, ...args], { ...options, deadline });
  // Every failure leaves as an AppError: a missing ref, a timeout, or the server or git failing.
  const run = (args: string[]) =>
    raw(args).catch((error: unknown) => {
      throw refFailure(error, options);
    });

  await run(['init', '-q', '--template=', '.']);
  const fetched = await raw(['fetch', '-q', '--depth', '1', '--no-tags', '--no-recurse-submodules', options.url, options.ref]).then(
    () => true,
    (error: unknown) => {
      if (isFullSha(options.ref) && !(error instanceof TimedOut)) return false;
      throw refFailure(error, options);
    },
  );
  if (!fetched) {
    // Not every server gives out a commit no ref advertises: fetch the branches and tags, then look for it.
    await run(['fetch', '-q', '--no-recurse-submodules', options.url, '+refs/heads/*:refs/remotes/origin/*', '+refs/tags/*:refs/tags/*']);
  }
  const commit = (await run(['rev-parse', '--verify', '--end-of-options', `${fetched ? 'FETCH_HEAD' : options.ref}^{commit}`])).trim();
  const listing = await run(['ls-tree', '-r', '-l', '-z', '--full-tree', commit]);
  let bytes = 0;
  for (const entry of listing.split('\0')) {
    const size = Number(/^\S+ blob \S+\s+(\d+)\t/.exec(entry)?.[1] ?? 0);
    bytes += size;
  }
  if (bytes > options.maxBytes)
    throw new AppError('PAYLOAD_TOO_LARGE', `the git source at ${commit} holds more than ${options.maxBytes} bytes (COGO_BUILD_MAX_SOURCE_BYTES)`, {
      via: 'build',
      retryable: false,
    });
  await run(['checkout', '-q', '--detach', commit]);
  return commit;
}

class TimedOut extends Error {}

function refFailure(error: unknown, options: CloneOptions): AppError {
  if (error instanceof AppError) return error;
  const message = (error as Error).message;
  if (error instanceof TimedOut)
    return new AppError('TIMEOUT', `git fetch of ${options.url} took longer than ${options.timeoutMs / 1000} s (COGO_BUILD_GIT_TIMEOUT_SECONDS)`, {
      via: 'build',
      retryable: true,
    });
  if (/couldn't find remote ref|not our ref|unknown revision|Needed a single revision|bad revision|not a valid object/i.test(message))
    return new AppError('BAD_INPUT', `git ref "${options.ref}" was not found in ${options.url}`, { via: 'build', retryable: false });
  return new AppError('UPSTREAM_UNAVAILABLE', `git fetch of ${options.url} failed: ${message}`, { via: 'build', retryable: true });
}

async function findGit(): Promise<string> {
  for (const candidate of GIT_CANDIDATES) {
    const ok = await fs.access(candidate, constants.X_OK).then(
      () => true,
      () => false,
    );
    if (ok) return candidate;
  }
  throw new AppError('UPSTREAM_UNAVAILABLE', 'git is not installed on this worker (needed for git sources)', { via: 'build', retryable: true });
}

/** One git command: clean environment, its own process group (killed whole at the deadline or on cancel), stderr kept for the message. */
function runGit(git: string, args: string[], options: CloneOptions & { deadline: number }): Promise<string> {
  const env = {
    PATH: '/usr/bin:/bin',
    HOME: options.dir,
    LANG: 'C',
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
  };
  return new Promise((resolve, reject) => {
    const child = spawn(options.prlimit, [`--fsize=${options.maxBytes}`, '--core=0', '--', git, ...args], {
      cwd: options.dir,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (stdout.length < 64 * 1024 * 1024) stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4096);
    });
    let timedOut = false;
    const kill = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone: nothing to kill.
      }
    };
    const timer = setTimeout(
      () => {
        timedOut = true;
        kill();
      },
      Math.max(0, options.deadline - Date.now()),
    );
    options.signal.addEventListener('abort', kill, { once: true });
    child.on('error', (error) => reject(error));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      options.signal.removeEventListener('abort', kill);
      if (timedOut) return reject(new TimedOut('timeout'));
      if (options.signal.aborted) return reject(options.signal.reason as Error);
      if (code === 0) return resolve(stdout);
      const last = stderr.trim().split('\n').slice(-3).join(' / ');
      reject(new Error(last || `git ${args.find((a) => !a.startsWith('-') && !a.includes('=')) ?? ''} ended with ${code ?? signal}`));
    });
  });
}
