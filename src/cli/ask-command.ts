import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config/index.js';
import { isAppError } from '../errors.js';
import { createApiClient } from './api-client.js';
import { createCitationRenderer } from './citation-renderer.js';
import { assertFolder } from './index-command.js';

interface AskOptions {
  k?: string;
  task?: string;
  risk?: string;
  budget?: string;
  root?: string[];
  path?: string[];
  research?: boolean;
  source?: string[];
  index?: string;
  proposeBlueprint?: string;
  json?: boolean;
  api?: string;
}

/** `llm.done`'s data (agents/orchestrator/run.ts). */
interface AskDone {
  answer: string;
  notice: string | null;
  citations: { n: number; id: string; ref: string }[];
  tiersUsed: string[];
  costUsd: number;
  grounded: boolean;
  dropped: unknown[];
  children: { role: string; jobId: string; status: string }[];
  judge: { tier: string; judged: number; overruled: number; fellBack: boolean; detail: string | null } | null;
  blueprint?: { name: string; version: number; created: boolean };
}

const ENQUEUE = `mutation($input: OrchestrateInput!) { enqueueOrchestrate(input: $input) { jobId } }`;

const out = (text: string) => process.stdout.write(text);
const note = (line: string) => process.stderr.write(`${line}\n`);

/**
 * `cogo ask "…"`: an orchestrate job through the API (enqueueOrchestrate, then the job's REST SSE stream). The answer
 * is printed as the model writes it, passage ids turned into numbers, then the numbered citations (`path:lines` or
 * URL). Escalations, the extractive notice, tiers and cost go to stderr, so stdout is the answer alone.
 */
export function registerAskCommand(program: Command): void {
  program
    .command('ask <question...>')
    .description('answer a question from the indexed folders, with numbered citations (streams as the model writes)')
    .option('-k <n>', 'passages to retrieve (1-50, default 8)')
    .option('--task <type>', 'task type instead of inferring it (classify, extract, …, architecture)')
    .option('--risk <level>', 'low, medium or high instead of inferring it')
    .option('--budget <usd>', 'most the answer may cost (USD)')
    .option('--root <dirs...>', 'only these indexed folders')
    .option('--path <prefixes...>', 'only files under these root-relative prefixes, e.g. docs/')
    .option('--research', 'first run a research job on the question; its evidence is cited like passages')
    .option('--source <urls...>', 'research these pages or package names first (implies --research)')
    .option('--index <dir>', 'first index this folder (incrementally), then answer from it')
    .option('--propose-blueprint <name>', 'after answering, propose a module blueprint of this name from what it cited')
    .option('--json', "print llm.done's data as JSON instead of streaming")
    .option('--api <url>', 'ask this COGO API (default COGO_URL, else the configured host and port)')
    .action(async (words: string[], options: AskOptions) => {
      const config = loadConfig();
      const api = createApiClient({ url: options.api ?? config.client.url, apiKey: config.client.apiKey });
      const filters = { ...(options.root ? { roots: options.root } : {}), ...(options.path ? { pathPrefixes: options.path } : {}) };
      // Absolute before it leaves this machine: the worker's working directory is not ours.
      const indexRoot = options.index ? path.resolve(options.index) : undefined;
      const input = {
        question: words.join(' '),
        ...(options.k ? { k: Number(options.k) } : {}),
        ...(options.task ? { taskType: options.task } : {}),
        ...(options.risk ? { risk: options.risk } : {}),
        ...(options.budget ? { budgetUsd: Number(options.budget) } : {}),
        ...(Object.keys(filters).length > 0 ? { filters } : {}),
        // The orchestrate job's child jobs (docs/llm.md § Decomposition): it waits for them, then answers.
        ...(options.research || options.source ? { research: options.source ? { sources: options.source } : {} } : {}),
        ...(indexRoot ? { index: { root: indexRoot } } : {}),
        ...(options.proposeBlueprint ? { proposeBlueprint: { name: options.proposeBlueprint, kind: 'module' } } : {}),
      };
      try {
        if (indexRoot) await assertFolder(indexRoot);
        const { enqueueOrchestrate } = await api.graphql<{ enqueueOrchestrate: { jobId: string } }>(ENQUEUE, { input });
        const done = await follow(api.jobEvents(enqueueOrchestrate.jobId), options.json === true);
        if (!done) {
          process.exitCode = 1;
          return;
        }
        if (options.json) out(`${JSON.stringify({ jobId: enqueueOrchestrate.jobId, ...done }, null, 2)}\n`);
        if (done.judge) note(judgeLine(done.judge));
        for (const child of done.children ?? []) note(`${child.role} job ${child.jobId}: ${child.status}`);
        if (done.blueprint)
          note(`blueprint ${done.blueprint.name} v${done.blueprint.version} ${done.blueprint.created ? 'proposed' : 'unchanged (already proposed)'}`);
        note(`tiers ${done.tiersUsed.join(' → ')} · $${done.costUsd.toFixed(6)} · job ${enqueueOrchestrate.jobId}`);
      } catch (error) {
        if (!isAppError(error)) throw error;
        note(`ask failed: ${error.code}: ${error.message}`);
        process.exitCode = 1;
      }
    });
}

/** What the grounding judge did, or that it failed and the rules' verdicts stood. */
function judgeLine(judge: NonNullable<AskDone['judge']>): string {
  if (judge.fellBack) return `grounding: ${judge.detail ?? `the ${judge.tier} judge failed; the rules' verdicts stand`}`;
  return `grounding: the ${judge.tier} judge checked ${judge.judged} sentence(s), overruled the rules on ${judge.overruled}`;
}

/** Prints the stream (unless `quiet`) and returns `llm.done`'s data, or undefined when the job ended without one. */
async function follow(events: AsyncIterable<{ type: string; data: Record<string, unknown> }>, quiet: boolean): Promise<AskDone | undefined> {
  const renderer = createCitationRenderer();
  let attempt = -1;
  let streamed = '';
  for await (const event of events) {
    if (event.type === 'llm.delta') {
      const delta = event.data as { attempt: number; tier: string; text: string };
      if (delta.attempt !== attempt) {
        // An escalation streams its answer anew: the earlier attempt's text stays on screen, marked as replaced.
        if (attempt >= 0 && !quiet) {
          out(`${renderer.flush()}\n`);
          note(`(not grounded or failed: asking again on ${delta.tier})`);
        }
        attempt = delta.attempt;
        renderer.reset();
        streamed = '';
      }
      streamed += delta.text;
      if (!quiet) out(renderer.push(delta.text));
    } else if (event.type === 'llm.done') {
      const done = event.data as unknown as AskDone;
      if (quiet) return done;
      out(renderer.flush());
      if (done.notice) note(done.notice);
      // When unsupported sentences were dropped (or nothing streamed, e.g. the extractive answerer), the checked answer
      // is what counts: show it.
      if (done.dropped.length > 0 || !streamed) {
        if (streamed) out('\n\n(unsupported sentences dropped; the checked answer:)\n');
        renderer.reset();
        out(renderer.render(done.answer));
      }
      out('\n');
      const refs = new Map(done.citations.map((c) => [c.id, c.ref]));
      const cited = renderer.cited();
      if (cited.some((id) => refs.has(id))) out('\n');
      cited.forEach((id, i) => {
        const ref = refs.get(id);
        if (ref) out(`[${i + 1}] ${ref}\n`);
      });
      return done;
    } else if (event.type === 'job.dead' || event.type === 'job.cancelled') {
      note(`ask failed: ${event.type}: ${JSON.stringify(event.data)}`);
      return undefined;
    }
  }
  note('ask failed: the job stream ended without an answer');
  return undefined;
}
