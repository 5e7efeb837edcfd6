import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SQL_MIGRATIONS_DIR } from '../../src/runtime.js';
import { createPgliteClient } from '../../src/db/pglite-client.js';
import { createPostgresClient } from '../../src/db/postgres-client.js';
import { migrateSql } from '../../src/db/migrate.js';
import type { SqlClient } from '../../src/db/sql-client.js';
import { createGraphDriver } from '../../src/graph/driver.js';
import { migrateGraph } from '../../src/graph/migrate.js';
import { testConfig, testDatabaseUrl, uniqueName } from './support/services.js';

async function schemaFingerprint(sql: SqlClient): Promise<string> {
  const { rows } = await sql.query<{ line: string }>(`
    SELECT format('%s.%s %s', table_name, column_name, data_type) AS line FROM information_schema.columns
      WHERE table_schema = 'public'
    UNION ALL SELECT 'index ' || indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
    ORDER BY 1`);
  const count = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM cogo_migrations');
  return `${rows.map((r) => r.line).join('\n')}\nmigrations=${count.rows[0]?.n}`;
}

async function expectIdempotent(sql: SqlClient) {
  const first = await migrateSql(sql, SQL_MIGRATIONS_DIR);
  expect(first.applied.length).toBeGreaterThanOrEqual(3);
  const before = await schemaFingerprint(sql);
  expect(before).toContain('chunks.embedding USER-DEFINED');
  expect(before).toMatch(/index chunks_embedding_hnsw .*USING hnsw \(embedding vector_cosine_ops\)/);
  expect(before).toContain('bus_events.event_id text');
  expect(before).toContain('audit_log.outcome text');
  const second = await migrateSql(sql, SQL_MIGRATIONS_DIR);
  expect(second.applied).toEqual([]);
  expect(second.alreadyApplied).toEqual(first.applied);
  expect(await schemaFingerprint(sql)).toBe(before);
}

describe('SQL migrations', () => {
  describe('on PGlite (the embedded default)', () => {
    let sql: SqlClient;
    beforeAll(async () => {
      sql = await createPgliteClient(undefined);
    });
    afterAll(() => sql.close());
    it('apply once, and a second run changes nothing', () => expectIdempotent(sql));
  });

  it('010 derives the BM25 statistics and posting impacts of an index written before it, and keeps them from then on', async () => {
    const sql = await createPgliteClient(undefined);
    const earlier = await mkdtemp(path.join(os.tmpdir(), 'cogo-mig-'));
    try {
      for (const file of (await readdir(SQL_MIGRATIONS_DIR)).filter((f) => f < '010'))
        await copyFile(path.join(SQL_MIGRATIONS_DIR, file), path.join(earlier, file));
      await migrateSql(sql, earlier);
      const zero = `[${new Array(1024).fill(0).join(',')}]`;
      // An index as 009 left it: chunks with BM25 lengths (one without: written before 009) and their postings.
      await sql.query(
        `INSERT INTO chunks (id, tenant, root, document_path, start_line, end_line, content, content_hash, embedder, embedding, lex_length)
         SELECT id, 't', '/r', id || '.md', 1, 1, 'x', 'h', 'e', $1::vector, len FROM unnest($2::text[], $3::real[]) AS c(id, len)`,
        [zero, ['c1', 'c2', 'c3', 'c4'], [3, 2, 7, null]],
      );
      await sql.query('INSERT INTO chunk_terms (tenant, chunk_id, term, tf) SELECT $1, c, t, f FROM unnest($2::text[], $3::text[], $4::real[]) AS p(c, t, f)', [
        't',
        ['c1', 'c1', 'c2', 'c3', 'c3'],
        ['alpha', 'beta', 'alpha', 'alpha', 'gamma'],
        [1, 2, 2, 4, 3],
      ]);
      await migrateSql(sql, SQL_MIGRATIONS_DIR);
      const stats = async () => ({
        corpus: (await sql.query('SELECT tenant, chunks::int AS chunks, total_length FROM lexical_corpus_stats')).rows,
        df: (await sql.query('SELECT term, df FROM lexical_term_stats ORDER BY term')).rows,
      });
      expect(await stats()).toEqual({
        corpus: [{ tenant: 't', chunks: 3, total_length: 12 }],
        df: [
          { term: 'alpha', df: 3 },
          { term: 'beta', df: 1 },
          { term: 'gamma', df: 1 },
        ],
      });
      // impact = tf / (tf + k1 (1 − b + b · len / avglen)), k1 1.2, b 0.75, avglen 4.
      const { rows } = await sql.query<{ impact: number }>("SELECT impact FROM chunk_terms WHERE chunk_id = 'c3' AND term = 'alpha'");
      expect(rows[0]!.impact).toBeCloseTo(4 / (4 + 1.2 * (0.25 + (0.75 * 7) / 4)), 5);
      await sql.query("DELETE FROM chunks WHERE id = 'c3'");
      expect(await stats()).toEqual({
        corpus: [{ tenant: 't', chunks: 2, total_length: 5 }],
        df: [
          { term: 'alpha', df: 2 },
          { term: 'beta', df: 1 },
        ],
      });
    } finally {
      await sql.close();
      await rm(earlier, { recursive: true, force: true });
    }
  });

  describe('on the real Postgres with pgvector', () => {
    const database = uniqueName('cogo_mig');
    const admin = createPostgresClient(testDatabaseUrl(), { max: 1 });
    let sql: SqlClient;
    beforeAll(async () => {
      await admin.exec(`CREATE DATABASE ${database}`);
      const url = new URL(testDatabaseUrl());
      url.pathname = `/${database}`;
      sql = createPostgresClient(url.toString());
    });
    afterAll(async () => {
      await sql.close();
      await admin.exec(`DROP DATABASE IF EXISTS ${database}`);
      await admin.close();
    });
    it('apply once, and a second run changes nothing', () => expectIdempotent(sql));

    it('applies each file once even when two processes migrate at the same moment', async () => {
      const again = await Promise.all([migrateSql(sql, SQL_MIGRATIONS_DIR), migrateSql(sql, SQL_MIGRATIONS_DIR)]);
      expect(again.flatMap((r) => r.applied)).toEqual([]);
    });
  });
});

describe('Cypher migrations on the real Neo4j', () => {
  const config = testConfig();
  const driver = createGraphDriver(config.neo4j);
  afterAll(() => driver.close());

  async function schema() {
    const constraints = await driver.executeQuery('SHOW CONSTRAINTS YIELD name RETURN name ORDER BY name');
    const indexes = await driver.executeQuery('SHOW INDEXES YIELD name, state RETURN name, state ORDER BY name');
    return {
      constraints: constraints.records.map((r) => r.get('name') as string),
      indexes: indexes.records.map((r) => `${r.get('name')}:${r.get('state')}`),
    };
  }

  it('create the constraints, tenant indexes and fulltext index, and a second run changes nothing', async () => {
    await migrateGraph(driver, config.neo4j.database);
    const first = await schema();
    expect(first.constraints).toEqual(expect.arrayContaining(['job_id', 'evidence_id', 'document_id', 'chunk_id', 'entity_id']));
    expect(first.indexes).toEqual(expect.arrayContaining(['knowledge_text:ONLINE', 'job_tenant:ONLINE']));
    await migrateGraph(driver, config.neo4j.database);
    expect(await schema()).toEqual(first);
  });
});
