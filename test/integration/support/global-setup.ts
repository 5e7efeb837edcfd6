import { readFileSync } from 'node:fs';
import path from 'node:path';
import { checkPgvector } from '../../../src/bringup/postgres.js';
import { probeNeo4j, probeRedisUrl } from '../../../src/bringup/probes.js';
import { probeS3, type S3Target } from '../../../src/bringup/s3proxy.js';
import { loadConfig } from '../../../src/config/index.js';
import { createGraphDriver } from '../../../src/graph/driver.js';

/**
 * Integration tests run against the real services or not at all: each missing one fails the run with what to do.
 * `npm test` brings them up first (`cogo services --for-tests`).
 */
export default async function setup(): Promise<void> {
  const config = loadConfig();
  const problems: string[] = [];
  const redis = await probeRedisUrl(config.redis.url);
  if (!redis.ok) problems.push(`Redis at ${config.redis.url}: ${redis.error}`);
  const driver = createGraphDriver(config.neo4j);
  const neo = await probeNeo4j(driver, config.neo4j.database);
  await driver.close();
  if (!neo.ok) problems.push(`Neo4j at ${config.neo4j.uri}: ${neo.error}`);
  const recorded = path.join(config.dataDir, 'test-services.json');
  let databaseUrl: string | undefined;
  let s3: S3Target | undefined;
  try {
    ({ databaseUrl, s3 } = JSON.parse(readFileSync(recorded, 'utf8')) as { databaseUrl: string; s3?: S3Target });
    await checkPgvector(databaseUrl!);
  } catch (error) {
    problems.push(`Postgres with pgvector (${databaseUrl ?? `nothing recorded in ${recorded}`}): ${(error as Error).message}`);
  }
  const s3Probe = s3 && (await probeS3(s3));
  if (!s3Probe?.ok)
    problems.push(`S3Proxy (the S3 artifact store's tests) at ${s3?.endpoint ?? `nothing recorded in ${recorded}`}: ${s3Probe?.error ?? 'not started'}`);
  if (problems.length > 0) {
    throw new Error(
      `integration tests need the real services; missing:\n  - ${problems.join('\n  - ')}\n` +
        'run `npm run services -- --for-tests` (or `npm test`, which does it) and try again',
    );
  }
  process.env.COGO_TEST_DATABASE_URL = databaseUrl;
}
