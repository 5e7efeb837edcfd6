import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/paths.js';

describe('npm start (the service as a user runs it)', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cogo-start-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('brings the services up, prints its URL, is ready with embedded PGlite, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, COGO_PORT: '0', COGO_DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'warn', COGO_QUEUE_PREFIX: `start-${process.pid}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        output += c.toString();
        const match = /^COGO (http:\/\/\S+) — GraphQL/m.exec(output);
        if (match) resolve(match[1] as string);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code} before printing its URL:\n${output}`)));
    });
    expect(output).toMatch(/^redis\s+found/m);
    expect(output).toMatch(/^neo4j\s+found/m);
    expect(output).toMatch(/^postgres\s+embedded\s+PGlite/m);

    const ready = (await (await fetch(`${url}/readyz`)).json()) as { ok: boolean; checks: { postgres: { detail: string; version: string } } };
    expect(ready.ok).toBe(true);
    expect(ready.checks.postgres.detail).toMatch(/^pglite 18/);
    expect(ready.checks.postgres.version).toMatch(/^pgvector 0\.8/);
    expect((await fetch(`${url}/graphiql/`)).status).toBe(200);

    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });

  it('refuses to start on a bad configuration value, naming it and what it expects', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, COGO_PORT: 'eighty', REDIS_URL: 'http://nope' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('COGO cannot start');
    expect(stderr).toContain('COGO_PORT="eighty"');
    expect(stderr).toContain('REDIS_URL="http://nope"');
    expect(stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});
