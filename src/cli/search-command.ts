import type { Command } from 'commander';
import { createEmbedder } from '../../ingest/embedders/index.js';
import { loadConfig, type Config } from '../config/index.js';
import { createPostgresClient } from '../db/postgres-client.js';
import { AppError, isAppError } from '../errors.js';
import { createGraphDriver } from '../graph/driver.js';
import { createRagService, type SearchFilters, type SearchResult } from '../rag/index.js';
import { createVectorStore } from '../vectors/index.js';

interface SearchOptions {
  k: string;
  root?: string[];
  path?: string[];
  kind?: string[];
  expand: boolean;
  json?: boolean;
  api?: string;
}

const say = (line: string) => process.stdout.write(`${line}\n`);

const SEARCH_QUERY = `query($query: String!, $k: Int, $filters: SearchFilters) {
  search(query: $query, k: $k, filters: $filters) {
    query embedder localEmbedder embedderDescription tookMs timings
    items { rank chunkId documentId root path startLine endLine kind context content evidence
      score { vectorRank vectorScore textRank textScore rrf }
      neighbors { relation id name kind definedIn } }
  }
}`;

/**
 * `cogo search "…"`: hybrid retrieval, printed as ranked `path:start-end` lines with their score parts. With a
 * Postgres server (DATABASE_URL) it searches directly; otherwise the embedded PGlite database belongs to the
 * running service, so it asks that service's GraphQL API (`--api`, default the configured host and port).
 */
export function registerSearchCommand(program: Command): void {
  program
    .command('search <query...>')
    .description('hybrid search (vector + full-text + graph) over indexed folders')
    .option('-k <n>', 'how many results', '10')
    .option('--root <dirs...>', 'only these indexed folders')
    .option('--path <prefixes...>', 'only files under these root-relative prefixes, e.g. docs/')
    .option('--kind <kinds...>', 'only these chunk kinds: markdown-section, code-declaration, text')
    .option('--no-expand', 'skip the graph expansion')
    .option('--json', 'print the raw result as JSON')
    .option('--api <url>', 'ask this COGO API instead of the database (default when DATABASE_URL is unset)')
    .action(async (words: string[], options: SearchOptions) => {
      const config = loadConfig();
      const query = words.join(' ');
      const filters: SearchFilters = {
        ...(options.root ? { roots: options.root } : {}),
        ...(options.path ? { pathPrefixes: options.path } : {}),
        ...(options.kind ? { kinds: options.kind } : {}),
        expand: options.expand,
      };
      const k = Number(options.k);
      const api = options.api ?? (config.postgres.url ? undefined : `http://${config.http.host}:${config.http.port}`);
      try {
        const result = api ? await searchThroughApi(api, query, k, filters) : await searchDirectly(config, query, k, filters);
        if (options.json) say(JSON.stringify(result, null, 2));
        else printResult(result);
      } catch (error) {
        if (!isAppError(error)) throw error;
        process.stderr.write(`search failed: ${error.code}: ${error.message}\n`);
        process.exitCode = 1;
      }
    });
}

async function searchDirectly(config: Config, query: string, k: number, filters: SearchFilters): Promise<SearchResult> {
  const sql = createPostgresClient(config.postgres.url!, { max: 2 });
  const driver = createGraphDriver(config.neo4j);
  try {
    const rag = createRagService({ vectors: createVectorStore({ sql }), embedder: createEmbedder(config.embeddings), driver, database: config.neo4j.database });
    return await rag.search({ tenant: 'default', query, k, filters });
  } finally {
    await Promise.allSettled([sql.close(), driver.close()]);
  }
}

async function searchThroughApi(api: string, query: string, k: number, filters: SearchFilters): Promise<SearchResult> {
  let response: Response;
  try {
    response = await fetch(`${api.replace(/\/+$/, '')}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: SEARCH_QUERY, variables: { query, k, filters } }),
    });
  } catch {
    throw new AppError('UPSTREAM_UNAVAILABLE', `no COGO API answers at ${api}; start it with \`npm start\`, or pass --api <url>`, { via: 'cli' });
  }
  const body = (await response.json()) as { data?: { search: SearchResult }; errors?: { message: string; extensions?: { code?: string } }[] };
  const error = body.errors?.[0];
  if (error || !body.data) throw new AppError('BAD_INPUT', `${error?.extensions?.code ?? 'ERROR'}: ${error?.message ?? 'no result'}`, { via: 'cli' });
  return body.data.search;
}

function printResult(result: SearchResult): void {
  say(`${result.items.length} results for "${result.query}" in ${Math.round(result.tookMs)} ms — ${result.embedderDescription}`);
  for (const item of result.items) {
    const { score } = item;
    const parts = [
      `rrf ${score.rrf.toFixed(4)}`,
      score.vectorRank ? `vector #${score.vectorRank} ${score.vectorScore?.toFixed(3)}` : 'vector -',
      score.textRank ? `text #${score.textRank} ${score.textScore?.toFixed(3)}` : 'text -',
    ];
    say(`${String(item.rank).padStart(2)}. ${item.path}:${item.startLine}-${item.endLine}  ${parts.join('  ')}  (${item.root})`);
    if (item.context) say(`    ${item.context}`);
    for (const line of item.content.split('\n').filter((l) => l.trim() !== '').slice(0, 2)) say(`    │ ${line.slice(0, 110)}`);
    const links = item.neighbors.slice(0, 6).map((n) => (n.relation === 'MENTIONS' && n.definedIn.length ? `${n.name} (${n.definedIn.join(', ')})` : `${n.relation.toLowerCase()} ${n.name}`));
    if (links.length > 0) say(`    ↳ ${links.join('; ')}`);
  }
}
