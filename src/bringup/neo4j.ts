import { spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/index.js';
import { createGraphDriver } from '../graph/driver.js';
import { PROJECT_ROOT } from '../paths.js';
import { ensureMavenPackage } from './maven.js';
import { probeNeo4j, type ProbeResult } from './probes.js';
import { BringUpError, type BringUpStep, type Progress } from './report.js';
import { commandExists, isLoopbackHost, runCommand, waitFor } from './run-command.js';

const LAUNCHER_DIR = path.join(PROJECT_ROOT, 'services', 'neo4j');
const LAUNCHER_JAR = path.join(LAUNCHER_DIR, 'target', 'cogo-neo4j-launcher.jar');

async function probe(config: Config['neo4j']): Promise<ProbeResult> {
  const driver = createGraphDriver(config);
  try {
    return await probeNeo4j(driver, config.database);
  } finally {
    await driver.close();
  }
}

/**
 * Uses the Neo4j at NEO4J_URI; else, where a Docker engine answers, `docker compose up -d neo4j`; else the
 * Maven-built launcher under services/neo4j (a real Neo4j Community with Bolt on loopback, data in .cogo/neo4j).
 */
export async function ensureNeo4j(config: Config, progress: Progress): Promise<BringUpStep> {
  const neo = config.neo4j;
  const found = await probe(neo);
  if (found.ok) return { service: 'neo4j', action: 'found', detail: `${found.detail} ${found.version} at ${neo.uri}` };
  if (/unauthorized|authentication/i.test(found.error ?? '')) {
    throw new BringUpError('neo4j', 'authenticate', found.error ?? '', "set NEO4J_USER / NEO4J_PASSWORD to the server's credentials");
  }
  const target = new URL(neo.uri);
  if (!isLoopbackHost(target.hostname)) {
    throw new BringUpError('neo4j', 'connect', found.error ?? 'no answer', `start the Neo4j server at ${neo.uri} or change NEO4J_URI`);
  }
  const via = (await dockerEngineAnswers()) ? await startWithCompose(progress) : await startWithLauncher(config, target, progress);
  const ready = await waitFor(async () => (await probe(neo)).ok, config.services.timeoutMs, 1000);
  if (!ready) {
    throw new BringUpError('neo4j', 'wait for Bolt', `no answer at ${neo.uri} within ${config.services.timeoutMs} ms`, via.logHint);
  }
  const up = await probe(neo);
  return { service: 'neo4j', action: 'started', detail: `${up.detail} ${up.version} via ${via.name} at ${neo.uri}` };
}

async function dockerEngineAnswers(): Promise<boolean> {
  return (await commandExists('docker')) && (await runCommand('docker', ['info'], { timeoutMs: 5000 })).code === 0;
}

async function startWithCompose(progress: Progress) {
  progress('neo4j: starting the neo4j service of docker-compose.yml');
  const up = await runCommand('docker', ['compose', 'up', '-d', 'neo4j'], { cwd: PROJECT_ROOT, timeoutMs: 300_000 });
  if (up.code !== 0) throw new BringUpError('neo4j', 'docker compose up -d neo4j', up.output.trim(), 'run the command by hand to see why');
  return { name: 'docker compose', logHint: 'see `docker compose logs neo4j`' };
}

async function startWithLauncher(config: Config, target: URL, progress: Progress) {
  const home = path.join(config.dataDir, 'neo4j');
  const log = path.join(home, 'launcher.log');
  await mkdir(home, { recursive: true });
  if (!(await commandExists('java'))) {
    throw new BringUpError('neo4j', 'find Java', 'java is not on PATH', 'install Java 17+ (apt-get install openjdk-17-jdk-headless) or Docker');
  }
  await ensureLauncherBuilt(progress);
  const host = target.hostname === 'localhost' ? '127.0.0.1' : target.hostname;
  const bolt = `${host}:${target.port || '7687'}`;
  const browser = config.neo4j.browserPort === undefined ? [] : ['--http', `${host}:${config.neo4j.browserPort}`];
  progress(`neo4j: starting Neo4j Community with Bolt on ${bolt}${browser.length ? `, Neo4j Browser on http://${browser[1]}/browser/` : ''} (data in ${home})`);
  const out = openSync(log, 'w');
  const child = spawn(
    'java',
    [`-Xms${config.neo4j.heap}`, `-Xmx${config.neo4j.heap}`, '-XX:+ExitOnOutOfMemoryError', '-jar', LAUNCHER_JAR, '--home', home, '--bolt', bolt, ...browser],
    {
      detached: true,
      stdio: ['ignore', out, out],
      env: { ...process.env, NEO4J_PASSWORD: config.neo4j.password },
    },
  );
  let exited: number | null = null;
  child.on('exit', (code) => (exited = code ?? 1));
  child.unref();
  // A launcher that dies early (port taken, bad data folder) says why in its log: fail fast with that.
  const alive = await waitFor(async () => exited !== null || readFileSync(log, 'utf8').includes('COGO_NEO4J_READY'), config.services.timeoutMs, 500);
  if (exited !== null || !alive) {
    const tail = readFileSync(log, 'utf8').trim().split('\n').slice(-10).join('\n');
    throw new BringUpError('neo4j', 'start the launcher', tail || 'it exited without output', `see ${log}`);
  }
  return { name: `the services/neo4j launcher${browser.length ? ` (Neo4j Browser http://${browser[1]}/browser/)` : ''}`, logHint: `see ${log}` };
}

/** Builds services/neo4j with Maven when its jar is missing or older than its sources; returns the jar's path. */
export function ensureLauncherBuilt(progress: Progress): Promise<string> {
  return ensureMavenPackage({
    service: 'neo4j',
    dir: LAUNCHER_DIR,
    product: LAUNCHER_JAR,
    progress,
    building: 'building the launcher with Maven (first time, or after its sources changed; downloads Neo4j Community from Maven Central)',
  });
}

/** Stops a launcher started by `ensureNeo4j` (its pid file is in the data folder). */
export async function stopNeo4jLauncher(config: Config): Promise<boolean> {
  const pidFile = path.join(config.dataDir, 'neo4j', 'launcher.pid');
  if (!existsSync(pidFile)) return false;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return false;
  }
  await waitFor(async () => !existsSync(pidFile), 60_000, 250);
  return true;
}
