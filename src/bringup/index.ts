import type { Config } from '../config/index.js';
import { ensureEmbeddingModel } from './embedding-model.js';
import { ensureNeo4j } from './neo4j.js';
import { ensurePostgres } from './postgres.js';
import { ensureRedis } from './redis.js';
import { configuredS3Target, ensureS3Proxy } from './s3proxy.js';
import type { BringUpStep, Progress } from './report.js';

export { BringUpError, type BringUpStep } from './report.js';
export { ensureTestPostgres } from './postgres.js';
export { stopNeo4jLauncher } from './neo4j.js';
export { ensureS3Proxy, stopS3Proxies, TEST_S3 } from './s3proxy.js';

/** Brings up whatever is missing; idempotent: a second call finds everything and starts nothing. */
export async function ensureServices(config: Config, progress: Progress): Promise<BringUpStep[]> {
  // Redis and Postgres answer in milliseconds; Neo4j may need a cold start and the model a download, so they run alongside.
  // An S3 artifact store on a loopback endpoint gets S3Proxy there when nothing answers (docs/build.md).
  const s3 = configuredS3Target(config);
  return Promise.all([
    ensureRedis(config.redis.url, config.dataDir, progress),
    ensureNeo4j(config, progress),
    ensurePostgres(config),
    ...(s3 ? [ensureS3Proxy(s3, config.dataDir, config.services.timeoutMs, progress)] : []),
    ensureEmbeddingModel(config, progress),
  ]);
}

export function describeStep(step: BringUpStep): string {
  return `${step.service.padEnd(8)} ${step.action.padEnd(8)} ${step.detail}`;
}
