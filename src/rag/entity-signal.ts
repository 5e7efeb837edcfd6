import neo4j, { type Driver } from 'neo4j-driver';
import { cypher } from '../graph/cypher-files.js';
import { runCypher } from '../graph/driver.js';
import type { SearchScope } from '../vectors/index.js';

/**
 * The graph signal of retrieval: chunk ids, best first, of the entities a question names (their declaring chunks,
 * then chunks that mention them). The retriever fuses it as a third ranked list.
 */
export type EntityChunkFinder = (scope: SearchScope, names: readonly string[]) => Promise<string[]>;

const IDENTIFIER = /[A-Za-z_$][A-Za-z0-9_$]*/g;
/** Past this many names a question is pasted text, not a question about some APIs. */
const MAX_NAMES = 12;

/**
 * The names in a question that look like code: a capital after the first letter, a digit, `_` or `$`
 * (`createReadStream`, `MAX_BYTES`, `$emit`), or a segment of a dotted name (`fs.promises.readFile` → fs,
 * promises, readFile). A plain English word is also an entity name often enough (`watch`, `spawn`) that it would
 * pull in every chunk mentioning it, so it counts only inside a dotted name or followed by `(`.
 */
export function entityNamesIn(query: string): string[] {
  const names = new Set<string>();
  for (const match of query.matchAll(IDENTIFIER)) {
    const name = match[0];
    const at = match.index;
    const dotted = query[at - 1] === '.' || query[at + name.length] === '.';
    const called = query[at + name.length] === '(';
    const codeLike = /[A-Z0-9_$]/.test(name.slice(1)) || /^[_$]/.test(name);
    if (name.length >= 3 && (codeLike || dotted || called)) names.add(name);
  }
  return [...names].slice(0, MAX_NAMES);
}

export interface EntityChunkOptions {
  /** Chunks returned at most (30). */
  limit?: number;
  /** Declaring chunks per entity (10). */
  perEntity?: number;
  /** Mentioning chunks per entity (10); 0 = declaring chunks only. */
  mentionsPerEntity?: number;
}

/** The finder over Neo4j (`cypher/rag/entity-chunks.cypher`). */
export function createEntityChunkFinder(driver: Driver, database: string, options: EntityChunkOptions = {}): EntityChunkFinder {
  const { limit = 30, perEntity = 10, mentionsPerEntity = 10 } = options;
  return async (scope, names) => {
    if (names.length === 0) return [];
    const rows = await runCypher<{ chunkId: string }>(
      driver,
      database,
      cypher('rag/entity-chunks'),
      {
        tenant: scope.tenant,
        names: [...names],
        roots: scope.roots ?? null,
        pathPrefixes: scope.pathPrefixes ?? null,
        kinds: scope.kinds ?? null,
        limit: neo4j.int(limit),
        perEntity: neo4j.int(perEntity),
        mentionsPerEntity: neo4j.int(mentionsPerEntity),
      },
      'READ',
    );
    return rows.map((row) => row.chunkId);
  };
}
