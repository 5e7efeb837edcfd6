import type { Command } from 'commander';
import { loadConfig } from '../config/index.js';
import { isAppError } from '../errors.js';
import { createApiClient } from './api-client.js';

interface RouteOptions {
  task?: string;
  context?: string;
  risk?: string;
  json?: boolean;
  api?: string;
}

interface WireDecision {
  tier: string;
  taskType: string;
  inferred: boolean;
  scores: { name: string; value: number }[];
  reasons: string[];
  estimatedCostUsd: number;
}

const ROUTE_QUERY = `query($request: String!, $taskType: String, $contextTokens: Int, $risk: String) {
  route(request: $request, taskType: $taskType, contextTokens: $contextTokens, risk: $risk) {
    tier taskType inferred scores { name value } reasons estimatedCostUsd
  }
}`;

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/** `cogo route "…"`: the router's dry run through the API — which tier a request would use, and why. No model call. */
export function registerRouteCommand(program: Command): void {
  program
    .command('route <request...>')
    .description('which model tier a request would go to, and why (no model is called)')
    .option('--task <type>', 'task type instead of inferring it (classify, extract, …, architecture)')
    .option('--context <tokens>', 'tokens of retrieved context the call would carry')
    .option('--risk <level>', 'low, medium or high instead of inferring it')
    .option('--json', 'print the raw decision as JSON')
    .option('--api <url>', 'ask this COGO API (default COGO_URL, else the configured host and port)')
    .action(async (words: string[], options: RouteOptions) => {
      const config = loadConfig();
      const api = createApiClient({ url: options.api ?? config.client.url, apiKey: config.client.apiKey });
      const variables = {
        request: words.join(' '),
        ...(options.task ? { taskType: options.task } : {}),
        ...(options.context ? { contextTokens: Number(options.context) } : {}),
        ...(options.risk ? { risk: options.risk } : {}),
      };
      try {
        const { route } = await api.graphql<{ route: WireDecision }>(ROUTE_QUERY, variables);
        if (options.json) {
          say(JSON.stringify(route, null, 2));
          return;
        }
        say(`${route.tier}  (${route.taskType}${route.inferred ? ', inferred' : ''}; about $${route.estimatedCostUsd.toFixed(5)})`);
        for (const reason of route.reasons) say(`  - ${reason}`);
        say(`  scores: ${route.scores.map((s) => `${s.name} ${Number.isInteger(s.value) ? s.value : s.value.toFixed(3)}`).join(', ')}`);
      } catch (error) {
        if (!isAppError(error)) throw error;
        process.stderr.write(`route failed: ${error.code}: ${error.message}\n`);
        process.exitCode = 1;
      }
    });
}
