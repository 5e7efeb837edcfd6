import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planBuild } from '../../agents/build/build-plan.js';
import { createLogStream } from '../../agents/build/log-stream.js';
import { createOutputCounter, MAX_LINE_CHARS } from '../../agents/build/output-lines.js';
import { sandboxCommand } from '../../agents/build/sandbox-args.js';
import { enqueueScopes } from '../../src/auth/scopes.js';
import { loadConfig } from '../../src/config/index.js';
import { checkGitSource, gitRefProblem, gitUrlProblem } from '../../src/queue/git-source.js';
import { parseJobInput } from '../../src/queue/job-inputs.js';
import { parseDuration } from '../../src/cli/artifacts-command.js';
import { parseRange } from '../../src/server/rest/artifact-download.js';

const config = loadConfig({ COGO_BUILD_PROCESSES: '100', COGO_BUILD_STEP_TIMEOUT_SECONDS: '60' }, '/srv');
const limits = { cpuSeconds: 1, memoryBytes: 1 << 30, processes: 8, openFiles: 64, fileBytes: 1024, outputBytes: 100, timeoutSeconds: 5 };

describe('build input and plan', () => {
  it('turns the one-command form into one step named build, with the configured default timeout', () => {
    const input = parseJobInput('build', { workspace: '/src', command: ['make'], timeoutSeconds: 30 });
    expect(planBuild(input, config.build).steps).toEqual([
      { name: 'build', run: ['make'], env: {}, limits: expect.objectContaining({ timeoutSeconds: 30, processes: 100 }) },
    ]);
    const steps = planBuild(parseJobInput('build', { source: { path: '/src' }, steps: [{ name: 'a', run: ['true'] }] }), config.build).steps;
    expect(steps[0]!.limits.timeoutSeconds).toBe(60);
  });

  it('merges a step env over the job env, for that step only', () => {
    const input = parseJobInput('build', {
      source: { path: '/src' },
      env: { A: 'job', B: 'job' },
      steps: [
        { name: 'one', run: ['true'], env: { B: 'step', C: 'step' } },
        { name: 'two', run: ['true'], env: null },
      ],
    });
    expect(planBuild(input, config.build).steps.map((s) => s.env)).toEqual([
      { A: 'job', B: 'step', C: 'step' },
      { A: 'job', B: 'job' },
    ]);
  });

  it('plans a git source, and refuses malformed git URLs and refs (BAD_INPUT)', () => {
    const sha = 'a'.repeat(40);
    const input = parseJobInput('build', { source: { gitUrl: 'https://example.com/r.git', ref: sha, path: null }, steps: [{ name: 'a', run: ['true'] }] });
    expect(planBuild(input, config.build).source).toEqual({ kind: 'git', gitUrl: 'https://example.com/r.git', ref: sha });
    expect(gitRefProblem('release/1.2')).toBeUndefined();
    for (const ref of ['-x', '--upload-pack=sh', 'a..b', 'a//b', 'x.lock', 'a/.hidden', 'a b', 'x@{1}', '/a', 'a/'])
      expect(gitRefProblem(ref), ref).toBeDefined();
    for (const url of ['ssh://h/r.git', 'git://h/r.git', 'git@h:r.git', 'https://u:p@h/r.git', 'file://host/r.git', 'ftp://h/r.git', 'http://'])
      expect(gitUrlProblem(url), url).toBeDefined();
    expect(gitUrlProblem('file:///srv/r.git')).toBeUndefined();
    expect(() => parseJobInput('build', { source: { gitUrl: 'https://example.com/r.git' }, steps: [{ name: 'a', run: ['true'] }] })).toThrow(
      /needs both gitUrl and ref/,
    );
  });

  it('pins a git host to the addresses the SSRF guard checked, and refuses a name resolving to a private one', async () => {
    const rules = (addresses: string[], allowHosts: string[] = []) => ({ allowHosts, allowedRoots: [], startDir: '/', resolve: async () => addresses });
    expect(await checkGitSource('https://git.example.com/r.git', rules(['93.184.216.34']))).toEqual({
      url: 'https://git.example.com/r.git',
      pins: ['git.example.com:443:93.184.216.34'],
    });
    await expect(checkGitSource('https://git.example.com/r.git', rules(['93.184.216.34', '10.0.0.7']))).rejects.toMatchObject({
      code: 'FORBIDDEN',
      via: 'build',
      message: expect.stringMatching(/COGO_BUILD_GIT_ALLOW_HOSTS/),
    });
    expect((await checkGitSource('http://git.corp:8080/r.git', rules(['10.0.0.7'], ['git.corp:8080']))).pins).toEqual(['git.corp:8080:10.0.0.7']);
    await expect(checkGitSource('http://169.254.169.254/r.git', rules([], ['169.254.0.0/16']))).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('lets a job lower a limit, never raise it above the cap', () => {
    const input = parseJobInput('build', { source: { path: '/src' }, steps: [{ name: 'a', run: ['true'] }], limits: { processes: 10, openFiles: 10 ** 9 } });
    expect(planBuild(input, config.build).steps[0]!.limits).toMatchObject({ processes: 10, openFiles: config.build.limits.openFiles });
  });

  it('refuses both forms at once, neither, and duplicate step names (BAD_INPUT)', () => {
    for (const bad of [
      { source: { path: '/a' }, workspace: '/a', command: ['x'] },
      { steps: [{ name: 'a', run: ['x'] }] },
      {
        source: { path: '/a' },
        steps: [
          { name: 'a', run: ['x'] },
          { name: 'a', run: ['y'] },
        ],
      },
      { source: { path: '/a' }, steps: [{ name: 'a', run: [] }] },
      { source: { path: '/a' }, steps: [{ name: 'a', run: ['echo', 'a\0b'] }] },
      { source: { path: '/a' }, steps: [{ name: 'a', run: ['true'] }], env: { A: 'x\0y' } },
    ])
      expect(() => parseJobInput('build', bad)).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
  });
});

describe('sandbox command', () => {
  it('drops to the host uid, unshares every namespace, clears the environment, and applies the rlimits inside', () => {
    const isolation = {
      mode: 'bwrap' as const,
      bwrap: '/usr/bin/bwrap',
      prlimit: '/usr/bin/prlimit',
      setpriv: '/usr/bin/setpriv',
      etcDir: '/data/etc',
      extraReadOnly: [],
    };
    const { file, args, env } = sandboxCommand(isolation, { argv: ['make', 'all'], workDir: '/data/work/j', env: { FOO: 'bar' }, limits, hostUid: 200_001 });
    expect(file).toBe('/usr/bin/setpriv');
    expect(args.slice(0, 3)).toEqual(['--reuid=200001', '--regid=200001', '--clear-groups']);
    for (const flag of ['--unshare-user', '--unshare-pid', '--unshare-net', '--unshare-ipc', '--die-with-parent', '--new-session', '--clearenv'])
      expect(args).toContain(flag);
    expect(args.join(' ')).toContain('--bind /data/work/j /work');
    expect(args.join(' ')).toContain('--setenv FOO bar');
    expect(args.join(' ')).toContain('--setenv HOME /work');
    expect(args.join(' ')).toContain('--size 1024 --tmpfs /tmp');
    expect(args.slice(-10)).toEqual([
      '/usr/bin/prlimit',
      '--cpu=1',
      `--as=${1 << 30}`,
      '--nproc=8',
      '--nofile=64',
      '--fsize=1024',
      '--core=0',
      '--',
      'make',
      'all',
    ]);
    expect(env).toEqual({});
    expect(args.join(' ')).toContain('--ro-bind /data/etc/resolv.conf /etc/resolv.conf');
    expect(args.join(' ')).not.toContain('--ro-bind-try /etc/resolv.conf');
    const networked = sandboxCommand(isolation, { argv: ['true'], workDir: '/w', env: {}, limits, hostUid: 1, network: true }).args;
    expect(networked).not.toContain('--unshare-net');
    expect(networked.join(' ')).toContain('--ro-bind-try /etc/resolv.conf /etc/resolv.conf');
  });

  it('asks for scope build:network only of a build that wants the network', () => {
    expect(enqueueScopes('build', { network: true })).toEqual(['jobs:enqueue:build', 'build:network']);
    expect(enqueueScopes('build', { network: false })).toEqual(['jobs:enqueue:build']);
  });
});

describe('output lines', () => {
  it('splits chunks into lines per stream, cuts long lines, and stops at the byte cap', () => {
    const seen: string[] = [];
    const counter = createOutputCounter(50, (stream, line) => seen.push(`${stream}:${line}`));
    expect(counter.push('stdout', Buffer.from('one\ntw'))).toBe(true);
    expect(counter.push('stderr', Buffer.from('err\r\n'))).toBe(true);
    expect(counter.push('stdout', Buffer.from('o\n'))).toBe(true);
    expect(counter.push('stdout', Buffer.from('x'.repeat(100)))).toBe(false);
    counter.flush();
    expect(seen.slice(0, 3)).toEqual(['stdout:one', 'stderr:err', 'stdout:two']);
    expect(counter.bytes).toBe(50);
    expect(counter.truncated).toBe(true);
    const long: string[] = [];
    const wide = createOutputCounter(1 << 20, (_s, line) => long.push(line));
    wide.push('stdout', Buffer.from(`${'y'.repeat(MAX_LINE_CHARS + 10)}\n`));
    expect(long[0]).toMatch(/…\[line cut at 4096 chars\]$/);
  });
});

describe('log stream', () => {
  it('batches lines into events, drops past the rate with a count, and keeps every line in the file', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cogo-log-'));
    const events: Record<string, unknown>[] = [];
    const log = createLogStream({ publish: async (data) => void events.push(data), file: path.join(dir, 'log'), linesPerSecond: 10, maxBatch: 4, flushMs: 10 });
    log.startStep('s');
    for (let i = 0; i < 30; i++) log.line('stdout', `line ${i}`);
    const counts = await log.close();
    const live = events.flatMap((e) => (e.lines as { line: string }[]).map((l) => l.line));
    expect(live.length).toBeLessThanOrEqual(11);
    expect(live[0]).toBe('line 0');
    expect(events.reduce((n, e) => n + Number(e.dropped ?? 0), 0)).toBe(30 - live.length);
    expect(counts).toEqual({ lines: 30, dropped: 30 - live.length });
    expect(events.every((e) => (e.lines as unknown[]).length <= 4)).toBe(true);
    expect((await readFile(path.join(dir, 'log'), 'utf8')).split('\n').filter((l) => l.startsWith('line '))).toHaveLength(30);
    await rm(dir, { recursive: true, force: true });
  });
});

describe('artifact download ranges', () => {
  it('resolves single ranges, serves all for none or several, and says 416 outside the file', () => {
    expect(parseRange(undefined, 100)).toBeUndefined();
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=50-500', 100)).toEqual({ start: 50, end: 99 });
    expect(parseRange('bytes=0-1,5-6', 100)).toBeUndefined();
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=9-3', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 100)).toBe('unsatisfiable');
  });
});

describe('`cogo artifacts gc --grace`', () => {
  it('reads 90s, 30m, 12h and 7d, and refuses anything else with what it expects', () => {
    expect([parseDuration('90s'), parseDuration('30m'), parseDuration('12h'), parseDuration('7d'), parseDuration('0s')]).toEqual([
      90_000, 1_800_000, 43_200_000, 604_800_000, 0,
    ]);
    for (const bad of ['soon', '1h30m', '-1h', '1.5h', '']) {
      expect(() => parseDuration(bad)).toThrow(expect.objectContaining({ code: 'BAD_INPUT', message: `--grace "${bad}": expected 90s, 30m, 12h or 7d` }));
    }
  });
});
