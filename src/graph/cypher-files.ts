import { fileURLToPath } from 'node:url';
import { queryFiles } from '../query-files.js';

/** `cypher/` at the project root: every Cypher statement COGO runs lives there, loaded by name. */
export const CYPHER_DIR = fileURLToPath(new URL('../../cypher/', import.meta.url));

/** `cypher('jobs/create-job')` → the text of `cypher/jobs/create-job.cypher`. */
export const cypher = queryFiles(CYPHER_DIR, '.cypher');

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
