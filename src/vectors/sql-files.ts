import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../paths.js';

/** `sql/queries/`: every parameterized statement the vector store and the indexer run, one per file. */
export const SQL_QUERIES_DIR = path.join(PROJECT_ROOT, 'sql', 'queries');

const cache = new Map<string, string>();

/** `sqlQuery('vectors/insert-chunks')` → the text of `sql/queries/vectors/insert-chunks.sql`, read once. */
export function sqlQuery(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(path.join(SQL_QUERIES_DIR, `${name}.sql`), 'utf8');
    cache.set(name, text);
  }
  return text;
}
