import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, '/srv/cogo');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected loadConfig to refuse this environment');
}

describe('loadConfig', () => {
  it('gives every setting its documented default when nothing is set', () => {
    const config = loadConfig({}, '/srv/cogo');
    expect(config.http).toEqual({ host: '127.0.0.1', port: 4000, maxPayloadBytes: 1024 * 1024 });
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.neo4j.uri).toBe('bolt://127.0.0.1:7687');
    expect(config.postgres).toEqual({ url: undefined, pgliteDir: '/srv/cogo/.cogo/pg' });
    expect(config.embeddings.model).toBe('bge-m3');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ COGO_PORT: '', DATABASE_URL: '' }, '/srv').http.port).toBe(4000);
  });

  it('freezes the result so no module can change it behind the others', () => {
    const config = loadConfig({}, '/srv');
    expect(() => {
      (config.http as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  describe('when values are wrong', () => {
    it.each([
      ['COGO_PORT', 'eighty', /COGO_PORT="eighty": expected/],
      ['COGO_PORT', '70000', /COGO_PORT="70000": expected/],
      ['REDIS_URL', 'http://127.0.0.1:6379', /REDIS_URL=.*expected a URL with scheme redis or rediss/],
      ['NEO4J_URI', 'not a url', /NEO4J_URI=.*expected a URL with scheme bolt/],
      ['NEO4J_PASSWORD', 'short', /NEO4J_PASSWORD=.*at least 8 characters/],
      ['DATABASE_URL', 'mysql://x@y/z', /DATABASE_URL=.*postgres or postgresql/],
      ['LOG_LEVEL', 'loud', /LOG_LEVEL="loud": expected/],
      ['COGO_QUEUE_PREFIX', 'a{b}', /COGO_QUEUE_PREFIX=.*letters, digits/],
      ['COGO_AUTOSTART_SERVICES', 'maybe', /COGO_AUTOSTART_SERVICES="maybe": expected/],
      ['NEO4J_HEAP', 'lots', /NEO4J_HEAP=.*JVM size/],
      ['COGO_MAX_PAYLOAD_BYTES', '10', /COGO_MAX_PAYLOAD_BYTES="10": expected/],
    ])('names %s=%s and what it expects', (name, value, message) => {
      const problems = problemsOf({ [name]: value });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(message);
    });

    it('lists every bad variable at once, in one message', () => {
      try {
        loadConfig({ COGO_PORT: '0x', REDIS_URL: 'nope' }, '/srv');
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        const message = (error as Error).message;
        expect(message).toMatch(/^COGO cannot start: fix these environment variables/);
        expect(message).toContain('COGO_PORT="0x"');
        expect(message).toContain('REDIS_URL="nope"');
      }
    });
  });
});
