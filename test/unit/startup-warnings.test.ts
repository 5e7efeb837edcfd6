import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { warnAboutStartup } from '../../src/startup-warnings.js';

function captured() {
  const lines: { level: number; msg: string }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

describe('warnAboutStartup (issue 9)', () => {
  const { indexing } = loadConfig({}, '/srv/cogo');

  it('warns when the process runs as root', () => {
    const { logger, lines } = captured();
    warnAboutStartup(logger, indexing, 0);
    expect(lines.filter((l) => l.level === 40).map((l) => l.msg)).toEqual([expect.stringMatching(/^COGO runs as root/)]);
  });

  it('says nothing of root for another user, and names the allowed roots', () => {
    const { logger, lines } = captured();
    warnAboutStartup(logger, indexing, 1000);
    expect(lines.filter((l) => l.level === 40)).toEqual([]);
    expect(lines).toEqual([expect.objectContaining({ allowedRoots: ['/srv/cogo'] })]);
  });
});
