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
