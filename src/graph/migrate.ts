import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Driver } from 'neo4j-driver';
import { CYPHER_DIR, splitStatements } from './cypher-files.js';
import { runCypher } from './driver.js';

/**
 * Applies `cypher/schema/*.cypher` in name order. Every statement there is written to be idempotent
 * (`IF NOT EXISTS`), so applying twice changes nothing; Neo4j itself is the record of what exists.
 */
export async function migrateGraph(driver: Driver, database: string): Promise<{ statements: number }> {
  const dir = path.join(CYPHER_DIR, 'schema');
  let statements = 0;
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.cypher')).sort()) {
    for (const statement of splitStatements(await readFile(path.join(dir, file), 'utf8'))) {
      await runCypher(driver, database, statement);
      statements++;
    }
  }
  await runCypher(driver, database, 'CALL db.awaitIndexes(60)');
  return { statements };
}
