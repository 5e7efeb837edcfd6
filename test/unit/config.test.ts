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

  it('allows indexing only in the folder the service was started in, unless COGO_INDEX_ROOTS says otherwise (issue 9)', () => {
    expect(loadConfig({}, '/srv/cogo').indexing).toEqual({
      allowedRoots: ['/srv/cogo'],
      startDir: '/srv/cogo',
      maxFileBytes: 1024 * 1024,
      maxJobBytes: 1024 * 1024 * 1024,
      figma: { apiUrl: 'https://api.figma.com', token: undefined, allowHosts: [], timeoutMs: 120_000 },
    });
    const set = loadConfig(
      {
        COGO_INDEX_ROOTS: '/data, docs',
        COGO_INDEX_MAX_FILE_BYTES: '2048',
        COGO_INDEX_MAX_JOB_BYTES: '4096',
        COGO_FIGMA_ALLOW_HOSTS: '127.0.0.1:8080, figma.corp.example',
        COGO_FIGMA_TIMEOUT_SECONDS: '30',
      },
      '/srv/cogo',
    );
    expect(set.indexing).toMatchObject({
      allowedRoots: ['/data', '/srv/cogo/docs'],
      maxFileBytes: 2048,
      maxJobBytes: 4096,
      figma: { allowHosts: ['127.0.0.1:8080', 'figma.corp.example'], timeoutMs: 30_000 },
    });
    expect(problemsOf({ COGO_INDEX_MAX_JOB_BYTES: '0' })[0]).toMatch(/^COGO_INDEX_MAX_JOB_BYTES="0"/);
  });

  it('keeps artifacts in the data folder unless an S3 bucket is set; S3 settings are checked (docs/build.md)', () => {
    expect(loadConfig({}, '/srv/cogo').artifacts).toEqual({ dir: '/srv/cogo/.cogo/artifacts', maxStoreBytes: 0, s3: undefined });
    const s3 = loadConfig(
      {
        COGO_ARTIFACTS_S3_BUCKET: 'cogo-artifacts',
        COGO_ARTIFACTS_S3_ENDPOINT: 'http://127.0.0.1:9000',
        COGO_ARTIFACTS_S3_ACCESS_KEY_ID: 'id',
        COGO_ARTIFACTS_S3_SECRET_ACCESS_KEY: 'secret',
        COGO_ARTIFACTS_S3_PREFIX: 'team/cogo/',
      },
      '/srv/cogo',
    ).artifacts.s3;
    expect(s3).toEqual({
      bucket: 'cogo-artifacts',
      endpoint: 'http://127.0.0.1:9000',
      region: 'us-east-1',
      accessKeyId: 'id',
      secretAccessKey: 'secret',
      prefix: 'team/cogo/',
      forcePathStyle: true,
      createBucket: false,
    });
    // AWS itself: virtual-hosted URLs and the SDK's own credential chain.
    expect(loadConfig({ COGO_ARTIFACTS_S3_BUCKET: 'cogo-artifacts' }, '/srv').artifacts.s3).toMatchObject({
      endpoint: undefined,
      forcePathStyle: false,
      accessKeyId: undefined,
    });
    expect(problemsOf({ COGO_ARTIFACTS_S3_BUCKET: 'Not_A_Bucket' })[0]).toMatch(/^COGO_ARTIFACTS_S3_BUCKET="Not_A_Bucket": expected an S3 bucket name/);
    expect(problemsOf({ COGO_ARTIFACTS_S3_ENDPOINT: 'ftp://x' })[0]).toMatch(/^COGO_ARTIFACTS_S3_ENDPOINT="ftp:\/\/x"/);
    expect(problemsOf({ COGO_ARTIFACTS_S3_PREFIX: 'no-slash' })[0]).toMatch(/^COGO_ARTIFACTS_S3_PREFIX="no-slash"/);
    expect(problemsOf({ COGO_ARTIFACTS_S3_PREFIX: 'a/../' })[0]).toMatch(/without "\." or "\.\." segments/);
    expect(problemsOf({ COGO_ARTIFACTS_S3_BUCKET: 'b-1', COGO_ARTIFACTS_S3_ACCESS_KEY_ID: 'id' })[0]).toMatch(/set both .* or neither/);
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

describe('COGO_RESEARCH_APIS', () => {
  const api = {
    name: 'papers',
    baseUrl: 'https://api.example.org/v1',
    searchPath: '/search?q={query}',
    fetchPath: '/items/{id}',
    authHeader: { name: 'x-api-key', env: 'PAPERS_KEY' },
    mapping: { items: '$.results', id: '$.id', title: '$.title', text: ['$.abstract', '$.body'] },
  };

  it('reads the APIs from a file or inline JSON, taking the auth header value from the variable it names', async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const dir = await mkdtemp(path.join(tmpdir(), 'cogo-apis-'));
    await writeFile(path.join(dir, 'apis.json'), JSON.stringify([api]));
    const fromFile = loadConfig({ COGO_RESEARCH_APIS: 'apis.json', PAPERS_KEY: 'k-123' }, dir);
    expect(fromFile.research.apis).toEqual([{ ...api, authHeader: { name: 'x-api-key', value: 'k-123' } }]);
    const inline = loadConfig({ COGO_RESEARCH_APIS: JSON.stringify([{ ...api, authHeader: undefined }]) }, dir);
    expect(inline.research.apis[0]).not.toHaveProperty('authHeader');
    expect(inline.research.npm).toEqual({ baseUrl: 'https://registry.npmjs.org', token: undefined });
  });

  it('names each problem: bad paths, an unset key variable, a duplicate name, an unreadable file, bad JSON', () => {
    expect(problemsOf({ COGO_RESEARCH_APIS: JSON.stringify([{ ...api, mapping: { ...api.mapping, items: 'results' } }]), PAPERS_KEY: 'k' })).toEqual([
      'COGO_RESEARCH_APIS: [0.mapping.items] expected a JSON path starting with $',
    ]);
    expect(problemsOf({ COGO_RESEARCH_APIS: JSON.stringify([api]) })).toEqual([
      'COGO_RESEARCH_APIS: API "papers" sends x-api-key from PAPERS_KEY, which is unset',
    ]);
    expect(problemsOf({ COGO_RESEARCH_APIS: JSON.stringify([api, api]), PAPERS_KEY: 'k' })).toEqual(['COGO_RESEARCH_APIS: the name "papers" is used twice']);
    expect(problemsOf({ COGO_RESEARCH_APIS: 'missing.json' })[0]).toMatch(
      /^COGO_RESEARCH_APIS: expected inline JSON .* cannot read \/srv\/cogo\/missing\.json$/,
    );
    expect(problemsOf({ COGO_RESEARCH_APIS: '[{"name": ' })[0]).toMatch(/^COGO_RESEARCH_APIS: not valid JSON/);
    expect(problemsOf({ COGO_RESEARCH_APIS: JSON.stringify([{ ...api, searchPath: '/search' }]), PAPERS_KEY: 'k' })).toEqual([
      'COGO_RESEARCH_APIS: [0.searchPath] expected a path containing {query}',
    ]);
  });
});

describe('loadConfig: the trust boundary', () => {
  it('turns anonymous development mode on by default only for a loopback bind', () => {
    expect(loadConfig({}, '/srv').auth.devAnonymous).toBe(true);
    expect(loadConfig({ COGO_HOST: 'localhost' }, '/srv').auth.devAnonymous).toBe(true);
    expect(loadConfig({ COGO_HOST: '0.0.0.0' }, '/srv').auth.devAnonymous).toBe(false);
    expect(loadConfig({ COGO_DEV_ANONYMOUS: 'false' }, '/srv').auth.devAnonymous).toBe(false);
  });

  it('refuses anonymous development mode for a non-loopback bind, naming the variable', () => {
    expect(problemsOf({ COGO_HOST: '0.0.0.0', COGO_DEV_ANONYMOUS: 'true' })).toEqual([
      expect.stringMatching(/^COGO_DEV_ANONYMOUS="true": anonymous development mode is allowed only while COGO_HOST is a loopback address/),
    ]);
  });

  it('refuses a JWT setup that would check neither issuer nor audience, or has two key sources', () => {
    expect(problemsOf({ COGO_JWT_SECRET: 'x'.repeat(32) })).toEqual([expect.stringMatching(/^COGO_JWT_ISSUER/), expect.stringMatching(/^COGO_JWT_AUDIENCE/)]);
    expect(problemsOf({ COGO_JWT_SECRET: 'short' })).toEqual([expect.stringMatching(/COGO_JWT_SECRET=.*at least 32 characters/)]);
    expect(problemsOf({ COGO_JWT_SECRET: 'x'.repeat(32), COGO_JWT_JWKS_URL: 'https://i.test/jwks', COGO_JWT_ISSUER: 'i', COGO_JWT_AUDIENCE: 'a' })).toEqual([
      expect.stringMatching(/set one of them/),
    ]);
    expect(loadConfig({ COGO_JWT_SECRET: 'x'.repeat(32), COGO_JWT_ISSUER: 'i', COGO_JWT_AUDIENCE: 'a' }, '/srv').auth.jwt).toMatchObject({
      issuer: 'i',
      audience: 'a',
      tenantClaim: 'tenant',
      scopesClaim: 'scope',
    });
  });
});
