import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureS3Proxy, probeS3, stopS3Proxies } from '../../src/bringup/s3proxy.js';
import { testS3 } from './support/services.js';

/** A port nothing listens on now (the OS picks it; closed again before use). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('bringing up S3Proxy for an S3 artifact store on loopback', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) {
      await stopS3Proxies(dir);
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('starts S3Proxy where nothing answers, finds it the second time, and stops it', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'cogo-s3proxy-'));
    dirs.push(dataDir);
    const target = { ...testS3(), endpoint: `http://127.0.0.1:${await freePort()}`, secretAccessKey: 'another-secret-key' };
    const lines: string[] = [];
    expect(await ensureS3Proxy(target, dataDir, 60_000, (line) => lines.push(line))).toMatchObject({ service: 's3proxy', action: 'started' });
    expect(lines.join('\n')).toMatch(/starting S3Proxy at http:\/\/127\.0\.0\.1:\d+/);
    expect((await probeS3(target)).ok).toBe(true);
    expect(await ensureS3Proxy(target, dataDir, 60_000, () => {})).toMatchObject({ action: 'found' });
    expect(await stopS3Proxies(dataDir)).toBe(1);
    expect(await probeS3(target)).toMatchObject({ ok: false, answered: false });
  });

  it('a server that refuses the keys, or a remote one that does not answer, fails with what to do', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'cogo-s3proxy-'));
    dirs.push(dataDir);
    await expect(ensureS3Proxy({ ...testS3(), secretAccessKey: 'wrong' }, dataDir, 5_000, () => {})).rejects.toThrow(
      /s3proxy: authenticate failed: .*\n {2}what to do: the S3 server at http:\/\/127\.0\.0\.1:9324 refuses these credentials/,
    );
    // 192.0.2.0/24 is TEST-NET-1: never routed, so nothing answers there.
    await expect(ensureS3Proxy({ ...testS3(), endpoint: 'http://192.0.2.1:9000' }, dataDir, 5_000, () => {})).rejects.toThrow(
      /s3proxy: connect failed: .*\n {2}what to do: start the S3 server at http:\/\/192\.0\.2\.1:9000 or change COGO_ARTIFACTS_S3_ENDPOINT/,
    );
  });
});
