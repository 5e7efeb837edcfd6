import type { Isolation, StepLimits } from './sandbox-types.js';

/** Where the work folder appears inside the sandbox; HOME points here too. */
export const SANDBOX_WORK_DIR = '/work';
/** The uid/gid a step sees inside its user namespace ("nobody"): never 0, whatever the worker runs as. */
export const SANDBOX_INNER_ID = 65534;
export const SANDBOX_PATH = '/usr/local/bin:/usr/bin:/bin';

export interface CommandSpec {
  argv: string[];
  workDir: string;
  env: Record<string, string>;
  limits: StepLimits;
  /** The host uid the step runs as when the worker is root (one per concurrently running step). */
  hostUid: number | undefined;
  /** Share the host's network (a job with scope `build:network`); default: a network namespace with loopback only. */
  network?: boolean;
}

/**
 * The environment a step gets: PATH, HOME, a few locale basics and the job's own `env`. Nothing of the worker's
 * (service URLs, passwords, COGO_* settings) ever reaches it: bwrap's --clearenv, and a plain env object otherwise.
 */
export function stepEnvironment(jobEnv: Record<string, string>, home: string): Record<string, string> {
  return { ...jobEnv, PATH: SANDBOX_PATH, HOME: home, TMPDIR: '/tmp', LANG: 'C.UTF-8', CI: 'true' };
}

/** `prlimit` sets soft and hard limits at once: a step cannot raise them again. */
export function prlimitArgs(prlimit: string, limits: StepLimits): string[] {
  return [
    prlimit,
    `--cpu=${limits.cpuSeconds}`,
    `--as=${limits.memoryBytes}`,
    `--nproc=${limits.processes}`,
    `--nofile=${limits.openFiles}`,
    `--fsize=${limits.fileBytes}`,
    // No core files: a crashing step must not write its memory (and the limits) into the work folder.
    '--core=0',
    '--',
  ];
}

/**
 * The full command for one step. Under bwrap: the system is read-only (`/usr`, the `/bin`-style links, a minimal
 * `/etc`), `/proc` and `/dev` are the sandbox's own, `/tmp` is a fresh tmpfs, the work folder is the only
 * writable bind, there is no network interface but loopback, and the sandbox dies with the worker.
 */
export function sandboxCommand(isolation: Isolation, spec: CommandSpec): { file: string; args: string[]; env: Record<string, string>; cwd: string } {
  if (isolation.mode === 'none') {
    const [file, ...args] = [...prlimitArgs(isolation.prlimit, spec.limits), ...spec.argv];
    return { file: file!, args, env: stepEnvironment(spec.env, spec.workDir), cwd: spec.workDir };
  }
  const env = stepEnvironment(spec.env, SANDBOX_WORK_DIR);
  const bwrap = [
    isolation.bwrap,
    '--unshare-user',
    '--uid',
    String(SANDBOX_INNER_ID),
    '--gid',
    String(SANDBOX_INNER_ID),
    '--unshare-pid',
    ...(spec.network ? [] : ['--unshare-net']),
    '--unshare-ipc',
    '--unshare-uts',
    '--unshare-cgroup-try',
    '--hostname',
    'sandbox',
    '--die-with-parent',
    '--new-session',
    '--ro-bind',
    '/usr',
    '/usr',
    ...systemLinks(),
    ...isolation.extraReadOnly.flatMap((dir) => ['--ro-bind', dir, dir]),
    ...etcBinds(isolation.etcDir, spec.network === true),
    // /tmp is memory: bounded like one file may be, or a step could fill the machine's RAM through it.
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--size',
    String(spec.limits.fileBytes),
    '--tmpfs',
    '/tmp',
    '--bind',
    spec.workDir,
    SANDBOX_WORK_DIR,
    // The sandbox's root (bwrap's tmpfs, where /etc's mount points live) read-only too: /work and /tmp stay writable.
    '--remount-ro',
    '/',
    '--chdir',
    SANDBOX_WORK_DIR,
    '--clearenv',
    ...Object.entries(env).flatMap(([k, v]) => ['--setenv', k, v]),
    '--',
    ...prlimitArgs(isolation.prlimit, spec.limits),
    ...spec.argv,
  ];
  // As root, bwrap would map the sandbox's uid to host uid 0: drop to an unprivileged host uid first, so that
  // RLIMIT_NPROC counts this sandbox's processes only and a file it manages to create outside is not root's.
  const command =
    isolation.setpriv !== undefined && spec.hostUid !== undefined
      ? [isolation.setpriv, `--reuid=${spec.hostUid}`, `--regid=${spec.hostUid}`, '--clear-groups', '--inh-caps=-all', ...bwrap]
      : bwrap;
  const [file, ...args] = command;
  return { file: file!, args, env: {}, cwd: '/' };
}

/** Debian links /bin, /lib, /lib64 and /sbin into /usr ("merged /usr"); a host that has real folders gets them read-only. */
function systemLinks(): string[] {
  return ['--symlink', 'usr/bin', '/bin', '--symlink', 'usr/sbin', '/sbin', '--symlink', 'usr/lib', '/lib', '--symlink', 'usr/lib64', '/lib64'];
}

/**
 * A minimal /etc: the worker's generated passwd/group/hosts (one sandbox user, localhost only), and from the host
 * only what programs need to run (dynamic linker cache, alternatives links, TLS roots, time zone). Never the
 * host's /etc as a whole: it may hold service credentials.
 */
function etcBinds(etcDir: string, network: boolean): string[] {
  // With the network, names resolve as on the host (its resolv.conf); without, there is nothing to ask.
  const ours = network ? ['passwd', 'group', 'hosts', 'nsswitch.conf'] : ['passwd', 'group', 'hosts', 'resolv.conf', 'nsswitch.conf'];
  const generated = [
    ...ours.flatMap((name) => ['--ro-bind', `${etcDir}/${name}`, `/etc/${name}`]),
    ...(network ? ['--ro-bind-try', '/etc/resolv.conf', '/etc/resolv.conf'] : []),
  ];
  const fromHost = ['/etc/ld.so.cache', '/etc/alternatives', '/etc/ssl', '/etc/ca-certificates', '/etc/localtime'].flatMap((p) => ['--ro-bind-try', p, p]);
  return [...generated, ...fromHost];
}
