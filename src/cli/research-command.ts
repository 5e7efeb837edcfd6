import type { Command } from 'commander';
import { loadConfig } from '../config/index.js';
import { isAppError } from '../errors.js';
import { createApiClient } from './api-client.js';

interface ResearchOptions {
  source?: string[];
  max?: string;
  freshness?: string;
  json?: boolean;
  api?: string;
}

/** The part of `research.done`'s `result` this command prints (agents/research/result.ts). */
interface ResearchDone {
  evidence: { id: string; url: string; title: string; quote: string; score: number; source: string }[];
  failures: { code: string; source: string; target: string; message: string }[];
}

const ENQUEUE = `mutation($input: ResearchInput!) { enqueueResearch(input: $input) { jobId } }`;
const QUOTE_CHARS = 240;

const say = (line: string) => process.stdout.write(`${line}\n`);
const note = (line: string) => process.stderr.write(`${line}\n`);

/**
 * `cogo research "…"`: a research job through the API; waits for its end (progress on stderr) and prints the
 * ranked evidence: rank, score, title, URL and the quote.
 */
export function registerResearchCommand(program: Command): void {
  program
    .command('research <question...>')
    .description('gather ranked evidence for a question from the web and registries (a research job)')
    .option('--source <urls...>', 'also read these URLs or registry names')
    .option('--max <n>', 'most evidence items to keep (1-500)')
    .option('--freshness <age>', 'any, day, week, month or year')
    .option('--json', "print research.done's result as JSON")
    .option('--api <url>', 'ask this COGO API (default COGO_URL, else the configured host and port)')
    .action(async (words: string[], options: ResearchOptions) => {
      const config = loadConfig();
      const api = createApiClient({ url: options.api ?? config.client.url, apiKey: config.client.apiKey });
      const input = {
        question: words.join(' '),
        ...(options.source ? { sources: options.source } : {}),
        ...(options.max ? { maxItems: Number(options.max) } : {}),
        ...(options.freshness ? { freshness: options.freshness } : {}),
      };
      try {
        const { enqueueResearch } = await api.graphql<{ enqueueResearch: { jobId: string } }>(ENQUEUE, { input });
        note(`research job ${enqueueResearch.jobId}`);
        let done: ResearchDone | undefined;
        for await (const event of api.jobEvents(enqueueResearch.jobId)) {
          if (event.type === 'research.partial') note(`… ${((event.data.items as unknown[] | undefined) ?? []).length} more items`);
          if (event.type === 'research.done') done = event.data.result as ResearchDone;
          if (event.type === 'job.dead' || event.type === 'job.cancelled') {
            note(`research failed: ${event.type}: ${JSON.stringify(event.data)}`);
            process.exitCode = 1;
            return;
          }
        }
        if (!done) throw new Error('the job stream ended without research.done');
        if (options.json) {
          say(JSON.stringify(done, null, 2));
          return;
        }
        if (done.evidence.length === 0) say('no evidence found');
        done.evidence.forEach((item, i) => {
          const quote = item.quote.length > QUOTE_CHARS ? `${item.quote.slice(0, QUOTE_CHARS)}…` : item.quote;
          say(`${i + 1}. ${item.score.toFixed(3)}  ${item.title || item.url}`);
          say(`   ${item.url}`);
          say(`   "${quote.replace(/\s+/g, ' ')}"`);
        });
        for (const failure of done.failures) note(`failed: ${failure.code} ${failure.source} ${failure.target}: ${failure.message}`);
      } catch (error) {
        if (!isAppError(error)) throw error;
        note(`research failed: ${error.code}: ${error.message}`);
        process.exitCode = 1;
      }
    });
}
