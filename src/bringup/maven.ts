import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { BringUpError, type BringUpStep, type Progress } from './report.js';
import { commandExists, runCommand } from './run-command.js';

/**
 * Runs `mvn package` on a module under services/ when `product` (a file it makes) is missing or older than the
 * module's pom or sources (a pull changed it): build again rather than run an old one. Returns `product`.
 */
export function ensureMavenPackage(module: Parameters<typeof buildIfStale>[0]): Promise<string> {
  return oneMavenAtATime(() => buildIfStale(module));
}

/**
 * Every Maven run of the bring-up goes through here: it starts Neo4j, S3Proxy and the embedding model together,
 * and two Mavens filling the same ~/.m2 at once can leave a half-written jar there.
 */
export function oneMavenAtATime<T>(run: () => Promise<T>): Promise<T> {
  const queued = mavenQueue.then(run);
  mavenQueue = queued.catch(() => undefined);
  return queued;
}

let mavenQueue: Promise<unknown> = Promise.resolve();

async function buildIfStale(module: {
  service: BringUpStep['service'];
  dir: string;
  product: string;
  progress: Progress;
  /** Said before a build: what is built and what it downloads. */
  building: string;
}): Promise<string> {
  const { service, dir, product } = module;
  if (existsSync(product) && !isStale(dir, product)) return product;
  if (!(await commandExists('mvn'))) throw new BringUpError(service, 'find Maven', 'mvn is not on PATH', 'install Maven (apt-get install maven) or Docker');
  module.progress(`${service}: ${module.building}`);
  const pom = path.join(dir, 'pom.xml');
  const built = await runCommand('mvn', ['-q', '-B', '-f', pom, 'package', '-DskipTests'], { timeoutMs: 900_000 });
  if (built.code !== 0 || !existsSync(product)) {
    throw new BringUpError(
      service,
      `build ${path.relative(process.cwd(), dir) || dir} with Maven`,
      built.output.trim().split('\n').slice(-15).join('\n'),
      `run \`mvn -B -f ${pom} package\` to see the full output`,
    );
  }
  return product;
}

function isStale(dir: string, product: string): boolean {
  const built = statSync(product).mtimeMs;
  const files = (folder: string): string[] =>
    existsSync(folder)
      ? readdirSync(folder, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(folder, e.name)) : [path.join(folder, e.name)]))
      : [];
  return [path.join(dir, 'pom.xml'), ...files(path.join(dir, 'src'))].some((file) => statSync(file).mtimeMs > built);
}
