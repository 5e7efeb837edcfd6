import { fileURLToPath, pathToFileURL } from 'node:url';
import ipaddr from 'ipaddr.js';
import { AppError } from '../errors.js';
import { resolveIndexRoot } from '../fs/allowed-roots.js';
import { checkUrlHost, type Resolve } from '../net/host-check.js';
import { defaultPort, parseAllowList, type GuardPolicy } from '../net/url-safety.js';

/**
 * A build's git source (docs/build.md): `https://` and `http://` URLs pass research's SSRF guard (private,
 * loopback and metadata addresses refused unless COGO_BUILD_GIT_ALLOW_HOSTS admits them); `file://` only names a
 * repository inside the allowed roots (COGO_INDEX_ROOTS). No `ssh://`, `git://` or scp-like forms: those would
 * need credentials, and the clone never gets any.
 */
export const GIT_POLICY: GuardPolicy = { via: 'build', allowEnv: 'COGO_BUILD_GIT_ALLOW_HOSTS' };

const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** Why a git URL can never be cloned (BAD_INPUT), or undefined. */
export function gitUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'gitUrl is not a valid URL';
  }
  if (!['https:', 'http:', 'file:'].includes(url.protocol)) return `gitUrl: only https, http and file URLs are cloned, not ${url.protocol}`;
  if (url.username || url.password) return 'gitUrl must not carry credentials';
  if (url.protocol === 'file:' && url.host !== '') return 'gitUrl: a file URL names a local path (file:///…)';
  if (url.protocol !== 'file:' && url.hostname === '') return 'gitUrl has no host';
  return undefined;
}

/**
 * Why a ref is not one we fetch, or undefined: a full commit sha, or a branch or tag name by git's
 * check-ref-format rules — and never starting with `-` (it is passed to git as an argument).
 */
export function gitRefProblem(ref: string): string | undefined {
  if (FULL_SHA.test(ref)) return undefined;
  const ok =
    /^[A-Za-z0-9._/+@-]+$/.test(ref) &&
    !ref.startsWith('-') &&
    !ref.startsWith('/') &&
    !ref.endsWith('/') &&
    !ref.endsWith('.') &&
    !ref.endsWith('.lock') &&
    !ref.includes('..') &&
    !ref.includes('//') &&
    !ref.includes('@{') &&
    ref !== '@' &&
    !ref.split('/').some((part) => part.startsWith('.'));
  return ok ? undefined : `ref "${ref.slice(0, 100)}" is not a branch, tag or full commit sha`;
}

export const isFullSha = (ref: string) => FULL_SHA.test(ref);

export interface CheckedGitSource {
  /** The URL to clone: a file URL rewritten to its real path. */
  url: string;
  /** `host:port:address` for each address checked (git's `http.curloptResolve`): the clone connects to those only. */
  pins: string[];
}

export interface GitSourceRules {
  allowHosts: readonly string[];
  allowedRoots: readonly string[];
  startDir: string;
  resolve?: Resolve;
}

/** The policy check of a well-formed git URL, at enqueue and again on the worker: FORBIDDEN when refused. */
export async function checkGitSource(gitUrl: string, rules: GitSourceRules): Promise<CheckedGitSource> {
  const problem = gitUrlProblem(gitUrl);
  if (problem) throw new AppError('BAD_INPUT', problem, { via: 'build' });
  const url = new URL(gitUrl);
  if (url.protocol === 'file:') {
    const real = await resolveIndexRoot(fileURLToPath(url), rules.allowedRoots, { baseDir: rules.startDir, subject: 'git repository', via: 'build' });
    return { url: pathToFileURL(real).href, pins: [] };
  }
  const port = defaultPort(url);
  const bare = url.hostname.replace(/^\[|\]$/g, '');
  const checked = await checkUrlHost(url, parseAllowList(rules.allowHosts, GIT_POLICY), GIT_POLICY, rules.resolve);
  // An IP literal needs no pin; a name is pinned to the addresses checked, so git connects to those only.
  if (ipaddr.isValid(bare)) return { url: url.href, pins: [] };
  const pins = [`${bare}:${port}:${checked.map((a) => (a.includes(':') ? `[${a}]` : a)).join(',')}`];
  return { url: url.href, pins };
}
