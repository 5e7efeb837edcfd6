import path from 'node:path';
import { PROJECT_ROOT } from '../paths.js';
import { queryFiles } from '../query-files.js';

/** `sql/queries/`: every parameterized statement the vector store and the indexer run, one per file. */
export const SQL_QUERIES_DIR = path.join(PROJECT_ROOT, 'sql', 'queries');

/** `sqlQuery('vectors/insert-chunks')` → the text of `sql/queries/vectors/insert-chunks.sql`. */
export const sqlQuery = queryFiles(SQL_QUERIES_DIR, '.sql');
