import { spawn } from 'node:child_process';
import { existsSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/index.js';
import { PROJECT_ROOT } from '../paths.js';
import { ensureMavenPackage } from './maven.js';
import { BringUpError, type BringUpStep, type Progress } from './report.js';
import { commandExists, isLoopbackHost, waitFor } from './run-command.js';

const MODULE_DIR = path.join(PROJECT_ROOT, 'services', 's3proxy');
const LIB_DIR = path.join(MODULE_DIR, 'target', 'lib');
/** Written by every `mvn package` (the copied jars keep Maven Central's dates, so they cannot tell a stale build). */
const CLASSPATH_FILE = path.join(MODULE_DIR, 'target', 'classpath.txt');

/** Where an S3 server should answer, and the one identity it accepts. */
export interface S3Target {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * The S3Proxy the integration tests share (`cogo services --for-tests` starts it; `test-services.json` records it).
 * Fixed, public test credentials: this server only listens on loopback and only ever holds test data.
 */
export const TEST_S3: S3Target = {
  endpoint: 'http://127.0.0.1:9324',
  region: 'us-east-1',
  accessKeyId: 'cogo-test',
  secretAccessKey: 'cogo-test-secret-key',
};

/** The S3 target of the configured artifact store, when S3Proxy could stand in for it (a loopback endpoint with static keys). */
export function configuredS3Target(config: Config): S3Target | undefined {
  const s3 = config.artifacts.s3;
  if (!s3?.endpoint || !s3.accessKeyId || !s3.secretAccessKey) return undefined;
  return { endpoint: s3.endpoint, region: s3.region, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey };
}

/**
 * Uses the S3 server at `target` when one answers there with these credentials; else, on a loopback endpoint,
 * starts S3Proxy (services/s3proxy: a real S3 API over a folder, `<dataDir>/s3proxy/<port>/data`).
 */
export async function ensureS3Proxy(target: S3Target, dataDir: string, timeoutMs: number, progress: Progress): Promise<BringUpStep> {
  const found = await probeS3(target);
  if (found.ok) return { service: 's3proxy', action: 'found', detail: `an S3 server at ${target.endpoint}` };
  if (found.answered) {
    throw new BringUpError(
      's3proxy',
      'authenticate',
      found.error,
      `the S3 server at ${target.endpoint} refuses these credentials: set the access key and secret it expects`,
    );
  }
  const url = new URL(target.endpoint);
  if (!isLoopbackHost(url.hostname)) {
    throw new BringUpError('s3proxy', 'connect', found.error, `start the S3 server at ${target.endpoint} or change COGO_ARTIFACTS_S3_ENDPOINT`);
  }
  if (!(await commandExists('java'))) {
    throw new BringUpError(
      's3proxy',
      'find Java',
      'java is not on PATH',
      'install Java 17+ (apt-get install openjdk-17-jdk-headless) or run an S3 server yourself',
    );
  }
  await ensureMavenPackage({
    service: 's3proxy',
    dir: MODULE_DIR,
    product: CLASSPATH_FILE,
    progress,
    building: 'resolving S3Proxy and its dependencies with Maven (first time only; ~45 MB from Maven Central)',
  });
  const home = path.join(dataDir, 's3proxy', url.port || '80');
  const log = path.join(home, 's3proxy.log');
  await mkdir(path.join(home, 'data'), { recursive: true });
  const properties = path.join(home, 's3proxy.conf');
  // The credentials go to a file only its owner reads, not onto a command line every user can see.
  await writeFile(
    properties,
    [
      `s3proxy.endpoint=${url.protocol}//${url.hostname === 'localhost' ? '127.0.0.1' : url.hostname}:${url.port || '80'}`,
      's3proxy.authorization=aws-v2-or-v4',
      `s3proxy.identity=${target.accessKeyId}`,
      `s3proxy.credential=${target.secretAccessKey}`,
      'jclouds.provider=filesystem-nio2',
      // The blobstore's own login: unused by a local folder, but the nio2 provider requires one.
      'jclouds.identity=local',
      'jclouds.credential=local',
      `jclouds.filesystem.basedir=${path.join(home, 'data')}`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  progress(`s3proxy: starting S3Proxy at ${target.endpoint} (data in ${home})`);
  const out = openSync(log, 'w');
  const child = spawn(
    'java',
    [
      '-Xmx256m',
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      `-Dlogback.configurationFile=${path.join(MODULE_DIR, 'logback.xml')}`,
      '-cp',
      `${LIB_DIR}/*`,
      'org.gaul.s3proxy.Main',
      '--properties',
      properties,
    ],
    { detached: true, stdio: ['ignore', out, out] },
  );
  let exited: number | null = null;
  child.on('exit', (code) => (exited = code ?? 1));
  child.unref();
  await writeFile(path.join(home, 's3proxy.pid'), String(child.pid));
  const up = await waitFor(async () => exited !== null || (await probeS3(target)).ok, timeoutMs, 250);
  if (exited !== null || !up) {
    const tail = readFileSync(log, 'utf8').trim().split('\n').slice(-10).join('\n');
    throw new BringUpError(
      's3proxy',
      'start S3Proxy',
      tail || (exited !== null ? 'it exited without output' : `no answer within ${timeoutMs} ms`),
      `see ${log}`,
    );
  }
  return { service: 's3proxy', action: 'started', detail: `S3Proxy 2.6.0 (filesystem) at ${target.endpoint}` };
}

/** ok: it answered and took the credentials; answered: an S3 server is there (with other credentials when not ok). */
export async function probeS3(target: S3Target): Promise<{ ok: boolean; answered: boolean; error: string }> {
  // Loaded here, not at the top: every CLI command imports the bring-up, few need an S3 client.
  const { ListBucketsCommand, S3Client } = await import('@aws-sdk/client-s3');
  const client = new S3Client({
    endpoint: target.endpoint,
    region: target.region,
    forcePathStyle: true,
    credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey },
    maxAttempts: 1,
    requestHandler: { requestTimeout: 2000, connectionTimeout: 1000 },
  });
  try {
    await client.send(new ListBucketsCommand({}));
    return { ok: true, answered: true, error: '' };
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    return { ok: false, answered: status !== undefined, error: (error as Error).message || (error as Error).name };
  } finally {
    client.destroy();
  }
}

/** Stops the S3Proxy instances `ensureS3Proxy` started from this data folder and waits for them to exit; how many. */
export async function stopS3Proxies(dataDir: string): Promise<number> {
  const root = path.join(dataDir, 's3proxy');
  if (!existsSync(root)) return 0;
  let stopped = 0;
  for (const port of readdirSync(root)) {
    const pidFile = path.join(root, port, 's3proxy.pid');
    if (!existsSync(pidFile)) continue;
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    rmSync(pidFile, { force: true });
    if (!signal(pid, 'SIGTERM')) continue;
    stopped++;
    // Its port is free only once it has exited: a start right after a stop must not find the old one.
    await waitFor(async () => !signal(pid, 0), 15_000, 100);
  }
  return stopped;
}

/** Sends `sig` (0 = only ask whether it is alive); false when there is no such process. */
function signal(pid: number, sig: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}
