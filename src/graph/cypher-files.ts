import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** `cypher/` at the project root: every Cypher statement COGO runs lives there, loaded by name. */
export const CYPHER_DIR = fileURLToPath(new URL('../../cypher/', import.meta.url));

const cache = new Map<string, string>();

/** `cypher('jobs/upsert-job')` → the text of `cypher/jobs/upsert-job.cypher`, read once. */
export function cypher(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(path.join(CYPHER_DIR, `${name}.cypher`), 'utf8');
    cache.set(name, text);
  }
  return text;
}

/** Splits a file of several statements on `;` at line ends; comments (`//`) are dropped first. */
export function splitStatements(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('//'))
    .join('\n')
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter(Boolean);
}
