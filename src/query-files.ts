import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Statements live in files named for what they do (`cypher/jobs/create-job.cypher`, `sql/queries/vectors/
 * insert-chunks.sql`): the inventory is readable, and no query string is scattered through the code.
 * `queryFiles(dir, '.sql')('vectors/insert-chunks')` reads the file once and keeps it.
 */
export function queryFiles(dir: string, extension: string): (name: string) => string {
  const cache = new Map<string, string>();
  return (name) => {
    let text = cache.get(name);
    if (text === undefined) {
      text = readFileSync(path.join(dir, `${name}${extension}`), 'utf8');
      cache.set(name, text);
    }
    return text;
  };
}
