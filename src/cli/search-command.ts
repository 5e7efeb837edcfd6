import type { Command } from 'commander';
import { loadConfig } from '../config/index.js';
import { isAppError } from '../errors.js';
import type { SearchFilters, SearchResult } from '../rag/index.js';
import { createApiClient } from './api-client.js';

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
 * `cogo search "…"`: hybrid retrieval through the API (COGO_URL or `--api`, with COGO_API_KEY), printed as ranked
 * `path:start-end` lines with their score parts.
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
    .option('--api <url>', 'ask this COGO API (default COGO_URL, else the configured host and port)')
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
      const api = createApiClient({ url: options.api ?? config.client.url, apiKey: config.client.apiKey });
      try {
        const { search: result } = await api.graphql<{ search: SearchResult }>(SEARCH_QUERY, { query, k, filters });
        if (options.json) say(JSON.stringify(result, null, 2));
        else printResult(result);
      } catch (error) {
        if (!isAppError(error)) throw error;
        process.stderr.write(`search failed: ${error.code}: ${error.message}\n`);
        process.exitCode = 1;
      }
    });
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
    for (const line of item.content
      .split('\n')
      .filter((l) => l.trim() !== '')
      .slice(0, 2))
      say(`    │ ${line.slice(0, 110)}`);
    const links = item.neighbors
      .slice(0, 6)
      .map((n) => (n.relation === 'MENTIONS' && n.definedIn.length ? `${n.name} (${n.definedIn.join(', ')})` : `${n.relation.toLowerCase()} ${n.name}`));
    if (links.length > 0) say(`    ↳ ${links.join('; ')}`);
  }
}
