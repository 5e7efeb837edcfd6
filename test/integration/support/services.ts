import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { S3Target } from '../../../src/bringup/s3proxy.js';
import { loadConfig, type Config } from '../../../src/config/index.js';

/** What `cogo services --for-tests` recorded: the real Postgres+pgvector and the S3Proxy the tests share. */
function recordedServices(): { databaseUrl: string; s3?: S3Target } {
  return JSON.parse(readFileSync(path.join(loadConfig().dataDir, 'test-services.json'), 'utf8')) as { databaseUrl: string; s3?: S3Target };
}

/** The real Postgres+pgvector recorded by `cogo services --for-tests`. */
export function testDatabaseUrl(): string {
  return process.env.COGO_TEST_DATABASE_URL || recordedServices().databaseUrl;
}

/** The S3Proxy recorded by `cogo services --for-tests` (the fixed test identity of TEST_S3). */
export function testS3(): S3Target {
  const s3 = recordedServices().s3;
  if (!s3) throw new Error('no S3 server recorded in test-services.json: run `npm run services -- --for-tests` again');
  return s3;
}

/** Tests index folders they make under the system temp folder: that is their allowed root unless they say otherwise. */
export const TEST_INDEX_ROOTS = os.tmpdir();

/** A config for one test: its own queue prefix and a random port, on the real services. */
export function testConfig(overrides: Record<string, string | undefined> = {}): Config {
  return loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    COGO_PORT: '0',
    COGO_QUEUE_PREFIX: `test-${randomUUID().slice(0, 8)}`,
    COGO_INDEX_ROOTS: TEST_INDEX_ROOTS,
    ...overrides,
  });
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
}
