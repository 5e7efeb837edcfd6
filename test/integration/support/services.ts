import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../../src/config/index.js';

/** The real Postgres+pgvector recorded by `cogo services --for-tests`. */
export function testDatabaseUrl(): string {
  const fromSetup = process.env.COGO_TEST_DATABASE_URL;
  if (fromSetup) return fromSetup;
  const base = loadConfig();
  return (JSON.parse(readFileSync(path.join(base.dataDir, 'test-services.json'), 'utf8')) as { databaseUrl: string }).databaseUrl;
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
