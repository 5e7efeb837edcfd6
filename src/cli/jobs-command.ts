import type { Command } from 'commander';
import { loadConfig } from '../config/index.js';
import { isAppError } from '../errors.js';
import type { BusEvent } from '../events/event-types.js';
import { createApiClient, type ApiClient } from './api-client.js';
import { createTailView } from './tail-view.js';
import { describeFailure, statusStyle, terminal } from './terminal-output.js';

const JOB_FIELDS = 'id type status attempts maxAttempts workerId traceId parentJobId enqueuedAt startedAt finishedAt error { code message retryable }';
const LIST = `query($filter: JobFilter, $first: Int) { jobs(filter: $filter, first: $first) { edges { node { ${JOB_FIELDS} } } } }`;
const SHOW = `query($id: ID!) { job(id: $id) { ${JOB_FIELDS} input result artifacts } }`;
const DEAD = `query($first: Int) { deadLetters(first: $first) { ${JOB_FIELDS} } }`;
const MUTATIONS = {
  retry: `mutation($id: ID!) { retryJob(id: $id) { ${JOB_FIELDS} } }`,
  cancel: `mutation($id: ID!) { cancelJob(id: $id) { ${JOB_FIELDS} } }`,
  requeue: `mutation($id: ID!) { requeueDeadLetter(id: $id) { ${JOB_FIELDS} } }`,
};

interface JobRow {
  id: string;
  type: string;
  status: string;
  attempts: number;
  maxAttempts: number;
  enqueuedAt: string;
  finishedAt: string | null;
  error: { code: string; message: string } | null;
  [field: string]: unknown;
}

interface CommonOptions {
  json?: boolean;
  api?: string;
}

const out = (text: string) => process.stdout.write(`${text}\n`);
const err = (text: string) => process.stderr.write(`${text}\n`);

function clientFor(options: CommonOptions): ApiClient {
  const config = loadConfig();
  return createApiClient({ url: options.api ?? config.client.url, apiKey: config.client.apiKey });
}

/** Runs one command's work; an API refusal becomes one line on stderr (with what to do) and exit code 1. */
function action<A extends unknown[]>(what: string, work: (...args: A) => Promise<void>) {
  return async (...args: A) => {
    try {
      await work(...args);
    } catch (error) {
      if (!isAppError(error)) throw error;
      err(describeFailure(what, error));
      process.exitCode = 1;
    }
  };
}

function printJobs(jobs: JobRow[], json: boolean | undefined) {
  if (json) return out(JSON.stringify(jobs, null, 2));
  const tty = terminal();
  if (jobs.length === 0) return err('no jobs');
  const header = tty.colour ? [['JOB', 'TYPE', 'STATUS', 'ATTEMPTS', 'ENQUEUED', 'ERROR'].map((h) => tty.paint('bold', h))] : [];
  const rows = jobs.map((j) => [
    j.id,
    j.type,
    tty.paint(statusStyle(j.status), j.status),
    `${j.attempts}/${j.maxAttempts}`,
    j.enqueuedAt,
    j.error ? `${j.error.code}: ${j.error.message}` : '',
  ]);
  out(tty.table([...header, ...rows]));
}

function printJob(job: JobRow, json: boolean | undefined) {
  if (json) return out(JSON.stringify(job, null, 2));
  const tty = terminal();
  for (const [key, value] of Object.entries(job)) {
    if (value === null || value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
    out(`${tty.paint('bold', key.padEnd(12))} ${key === 'status' ? tty.paint(statusStyle(text), text) : text}`);
  }
}

/** `cogo jobs ls|show|tail|retry|cancel` and `cogo dlq ls|requeue`: the job API from a terminal or a script. */
export function registerJobsCommands(program: Command): void {
  const api = (command: Command) =>
    command.option('--json', 'print JSON (for scripts)').option('--api <url>', 'ask this COGO API (default COGO_URL, else the configured host and port)');
  const jobs = program.command('jobs').description("list, inspect, follow, retry and cancel your tenant's jobs");

  api(jobs.command('ls').description('newest jobs first'))
    .option('--type <type>', 'research, indexing, build, execute or orchestrate')
    .option('--status <status>', 'queued, active, waiting, retrying, completed, failed, dead or cancelled')
    .option('--first <n>', 'how many (1-100)', '20')
    .action(
      action('jobs ls', async (options: CommonOptions & { type?: string; status?: string; first: string }) => {
        const filter = { ...(options.type ? { type: options.type } : {}), ...(options.status ? { status: options.status } : {}) };
        const data = await clientFor(options).graphql<{ jobs: { edges: { node: JobRow }[] } }>(LIST, { filter, first: Number(options.first) });
        printJobs(
          data.jobs.edges.map((e) => e.node),
          options.json,
        );
      }),
    );

  api(jobs.command('show <id>').description("a job's record: status, attempts, input, result, error")).action(
    action('jobs show', async (id: string, options: CommonOptions) => {
      const { job } = await clientFor(options).graphql<{ job: JobRow | null }>(SHOW, { id });
      if (!job) {
        err(`jobs show failed: NOT_FOUND: no job ${id}\n  → check the job id with \`cogo jobs ls\``);
        process.exitCode = 1;
        return;
      }
      printJob(job, options.json);
    }),
  );

  api(
    jobs.command('tail <id>').description("a job's events from its start, live until it ends, with a progress bar on a terminal (--json: one event per line)"),
  ).action(
    action('jobs tail', async (id: string, options: CommonOptions) => {
      let last: BusEvent | undefined;
      const view = createTailView({ json: options.json });
      try {
        for await (const event of clientFor(options).jobEvents(id)) {
          view.show(event);
          last = event;
        }
      } finally {
        view.close();
      }
      // A script can tell from the exit code how the job ended.
      if (last && (last.type === 'job.dead' || last.type === 'job.cancelled')) process.exitCode = 2;
    }),
  );

  for (const [name, mutation, description] of [
    ['retry', MUTATIONS.retry, 'run a failed, dead or cancelled job again'],
    ['cancel', MUTATIONS.cancel, 'remove a waiting job, or stop a running one'],
  ] as const) {
    api(jobs.command(`${name} <id>`).description(description)).action(
      action(`jobs ${name}`, async (id: string, options: CommonOptions) => {
        const data = await clientFor(options).graphql<Record<string, JobRow>>(mutation, { id });
        printJob(Object.values(data)[0]!, options.json);
      }),
    );
  }

  const dlq = program.command('dlq').description('dead letters: jobs that ended without success after their last attempt');
  api(dlq.command('ls').description('dead and failed jobs, newest first'))
    .option('--first <n>', 'how many (1-500)', '50')
    .action(
      action('dlq ls', async (options: CommonOptions & { first: string }) => {
        const { deadLetters } = await clientFor(options).graphql<{ deadLetters: JobRow[] }>(DEAD, { first: Number(options.first) });
        printJobs(deadLetters, options.json);
      }),
    );
  api(dlq.command('requeue <id>').description('run a dead letter again from the start (attempts reset)')).action(
    action('dlq requeue', async (id: string, options: CommonOptions) => {
      const { requeueDeadLetter } = await clientFor(options).graphql<{ requeueDeadLetter: JobRow }>(MUTATIONS.requeue, { id });
      printJob(requeueDeadLetter, options.json);
    }),
  );
}
