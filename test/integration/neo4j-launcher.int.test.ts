import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import neo4j from 'neo4j-driver';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/paths.js';

const LAUNCHER = path.join(PROJECT_ROOT, 'services/neo4j/target/cogo-neo4j-launcher.jar');

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

describe('the Neo4j launcher with Neo4j Browser (NEO4J_BROWSER_PORT)', () => {
  it('serves Neo4j Browser and a discovery document pointing at its Bolt port, and stops with exit 0', async () => {
    const home = await mkdtemp(path.join(tmpdir(), 'cogo-neo4j-'));
    const httpPort = await freePort();
    const child = spawn('java', ['-Xmx512m', '-jar', LAUNCHER, '--home', home, '--bolt', '127.0.0.1:0', '--http', `127.0.0.1:${httpPort}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NEO4J_PASSWORD: 'cogo-dev-password' },
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const boltUrl = await new Promise<string>((resolve, reject) => {
        const timer = setInterval(() => {
          const ready = /COGO_NEO4J_READY (bolt:\/\/\S+)/.exec(output);
          if (ready) resolve(ready[1]!);
          if (/COGO_NEO4J_FAILED/.test(output) || child.exitCode !== null) reject(new Error(output));
        }, 200);
        void exited.then(() => clearInterval(timer));
        setTimeout(() => clearInterval(timer), 90_000);
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
