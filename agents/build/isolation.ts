import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { runStep } from './sandbox.js';
import type { Isolation } from './sandbox-types.js';

/** Where the tools are looked for: fixed system folders, never the worker's PATH (which a deployment may point anywhere). */
const TOOL_DIRS = ['/usr/bin', '/bin', '/usr/sbin', '/usr/local/bin'];

export interface DetectIsolationOptions {
  /** A folder of the worker's own, where the sandbox's generated /etc files live. */
  stateDir: string;
  /** Run builds unsandboxed when bubblewrap does not work (COGO_BUILD_ALLOW_UNSANDBOXED). */
  allowUnsandboxed: boolean;
  /** The host uid a sandbox runs as when the worker is root (the probe uses the first). */
  hostUid: number | undefined;
}

export type DetectedIsolation = { isolation: Isolation; problem?: undefined } | { isolation?: undefined; problem: string };

async function findTool(name: string): Promise<string | undefined> {
  for (const dir of TOOL_DIRS) {
    const candidate = path.join(dir, name);
    if (
      await fs.access(candidate, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return candidate;
  }
  return undefined;
}

/** The sandbox's /etc: one user (the sandbox's), localhost only, no name servers (no network by default). */
async function writeSandboxEtc(etcDir: string): Promise<void> {
  await fs.mkdir(etcDir, { recursive: true });
  const files: Record<string, string> = {
    passwd: 'root:x:0:0:root:/root:/usr/sbin/nologin\nbuilder:x:65534:65534:build sandbox:/work:/bin/sh\n',
    group: 'root:x:0:\nbuilder:x:65534:\n',
    hosts: '127.0.0.1 localhost sandbox\n::1 localhost\n',
    'resolv.conf': '',
    'nsswitch.conf': 'passwd: files\ngroup: files\nhosts: files dns\n',
  };
  await Promise.all(Object.entries(files).map(([name, text]) => fs.writeFile(path.join(etcDir, name), text, { mode: 0o644 })));
}

/**
 * Finds out which isolation works on this machine by running a real step under bubblewrap (installed is not
 * enough: a kernel or container may forbid user namespaces). Without a working sandbox the answer is a problem
 * to report, unless the operator allowed unsandboxed builds.
 */
export async function detectIsolation(options: DetectIsolationOptions): Promise<DetectedIsolation> {
  const [bwrap, prlimit, setpriv] = await Promise.all([findTool('bwrap'), findTool('prlimit'), findTool('setpriv')]);
  if (!prlimit) return { problem: 'prlimit (util-linux) is not installed: resource limits cannot be applied' };
  const unsandboxed = (reason: string): DetectedIsolation =>
    options.allowUnsandboxed
      ? { isolation: { mode: 'none', prlimit, reason } }
      : { problem: `${reason}; untrusted builds are refused (COGO_BUILD_ALLOW_UNSANDBOXED=true runs them without a sandbox)` };
  if (!bwrap) return unsandboxed('bubblewrap (bwrap) is not installed');
  const etcDir = path.join(options.stateDir, 'etc');
  await writeSandboxEtc(etcDir);
  const root = process.getuid?.() === 0;
  if (root && !setpriv) return unsandboxed('the worker runs as root and setpriv (util-linux) is missing: a sandbox would run as host root');
  // A node installed outside /usr (nvm, /opt) is made visible read-only at the same path.
  const nodePrefix = path.dirname(path.dirname(await fs.realpath(process.execPath)));
  const extraReadOnly = nodePrefix.startsWith('/usr') ? [] : [nodePrefix];
  const isolation: Isolation = { mode: 'bwrap', bwrap, prlimit, setpriv: root ? setpriv : undefined, etcDir, extraReadOnly };
  const probeDir = path.join(options.stateDir, 'probe');
  await fs.rm(probeDir, { recursive: true, force: true });
  await fs.mkdir(probeDir, { recursive: true });
  if (root && options.hostUid !== undefined) await fs.chown(probeDir, options.hostUid, options.hostUid);
  const lines: string[] = [];
  const outcome = await runStep({
    isolation,
    argv: ['/bin/sh', '-c', 'id -u && touch probe'],
    workDir: probeDir,
    env: {},
    hostUid: root ? options.hostUid : undefined,
    limits: { cpuSeconds: 5, memoryBytes: 512 * 1024 * 1024, processes: 16, openFiles: 64, fileBytes: 1024, outputBytes: 4096, timeoutSeconds: 10 },
    onLine: (_stream, line) => lines.push(line),
  });
  const wrote = await fs.access(path.join(probeDir, 'probe')).then(
    () => true,
    () => false,
  );
  await fs.rm(probeDir, { recursive: true, force: true });
  if (outcome.end === 'exited' && outcome.exitCode === 0 && lines[0] === '65534' && wrote) return { isolation };
  return unsandboxed(`bubblewrap does not work here (${outcome.end}, exit ${outcome.exitCode}: ${lines.slice(-3).join(' | ') || 'no output'})`);
}

/** One line for the start-up log: which isolation builds get. */
export function describeIsolation(isolation: Isolation): string {
  return isolation.mode === 'bwrap'
    ? `bubblewrap (${isolation.bwrap}): user, PID, network, IPC, UTS and mount namespaces${isolation.setpriv ? ', host uid dropped from root' : ''}; rlimits via ${isolation.prlimit}`
    : `NONE: builds run unsandboxed (${isolation.reason}); rlimits via ${isolation.prlimit}`;
}
