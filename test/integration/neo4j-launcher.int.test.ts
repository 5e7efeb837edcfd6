import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import neo4j from 'neo4j-driver';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureLauncherBuilt } from '../../src/bringup/neo4j.js';

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

describe('the Neo4j launcher with Neo4j Browser (NEO4J_BROWSER_PORT)', () => {
  // Built by bring-up where no Docker engine answers; where one does, built here (it needs Java and Maven).
  let launcher: string;
  beforeAll(async () => {
    launcher = await ensureLauncherBuilt(() => {});
  }, 900_000);

  it('serves Neo4j Browser and a discovery document pointing at its Bolt port, and stops with exit 0', async () => {
    const home = await mkdtemp(path.join(tmpdir(), 'cogo-neo4j-'));
    const httpPort = await freePort();
    const child = spawn('java', ['-Xmx512m', '-jar', launcher, '--home', home, '--bolt', '127.0.0.1:0', '--http', `127.0.0.1:${httpPort}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NEO4J_PASSWORD: 'cogo-dev-password' },
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const boltUrl = await new Promise<string>((resolve, reject) => {
        const deadline = Date.now() + 90_000;
        const timer = setInterval(() => {
          const ready = /COGO_NEO4J_READY (bolt:\/\/\S+)/.exec(output);
          const failed = /COGO_NEO4J_FAILED/.test(output) || child.exitCode !== null || Date.now() > deadline;
          if (ready || failed) clearInterval(timer);
          if (ready) resolve(ready[1]!);
          else if (failed) reject(new Error(`the launcher did not get ready within 90 s:\n${output}`));
        }, 200);
      });

      const page = await fetch(`http://127.0.0.1:${httpPort}/browser/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      expect(await page.text()).toMatch(/Neo4j Browser/i);
      // The Browser reads this to find Bolt: it must name the port the launcher really bound.
      const discovery = (await (await fetch(`http://127.0.0.1:${httpPort}/`)).json()) as { bolt_direct: string };
      expect(discovery.bolt_direct).toBe(boltUrl);

      const driver = neo4j.driver(boltUrl, neo4j.auth.basic('neo4j', 'cogo-dev-password'));
      try {
        const { records } = await driver.executeQuery('RETURN 1 AS one');
        expect(records[0]?.get('one').toNumber()).toBe(1);
      } finally {
        await driver.close();
      }
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await rm(home, { recursive: true, force: true });
    }
  }, 120_000);
});
