import type { ChildProcess } from 'node:child_process';
import { spawnTsProcess } from './child-process.js';
import type { BusEvent } from '../../src/events/event-types.js';
import type { Platform } from '../integration/support/platform.js';
import { waitUntil } from '../integration/support/platform.js';

/**
 * The research agent as users run it: `cogo worker --queues research`, a real CLI process on the platform's
 * Redis, Neo4j and Postgres (platform.env), with COGO_RESEARCH_ALLOW_HOSTS for the tests' loopback servers.
 */
export interface ResearchWorker {
  id: string;
  child: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function createResearchWorkers(platform: Platform) {
  const started: ResearchWorker[] = [];

  async function spawnResearchWorker(allowHosts: readonly string[], extraEnv: Record<string, string> = {}): Promise<ResearchWorker> {
    const process_ = await spawnTsProcess('src/cli/index.ts', ['worker', '--queues', 'research'], {
      env: { ...platform.env, COGO_RESEARCH_ALLOW_HOSTS: allowHosts.join(','), ...extraEnv },
      ready: /worker (\S+) on research/,
    });
    const worker: ResearchWorker = { id: process_.ready[1] as string, child: process_.child, output: process_.output, stop: process_.stop };
    started.push(worker);
    return worker;
  }

  async function enqueue(input: Record<string, unknown>): Promise<string> {
    const { data, errors } = await platform.graphql<{ enqueueResearch: { jobId: string } }>(
      'mutation($input: ResearchInput!) { enqueueResearch(input: $input) { jobId } }',
      { input },
    );
    if (errors) throw new Error(JSON.stringify(errors));
    return data!.enqueueResearch.jobId;
  }

  const events = (jobId: string): Promise<BusEvent[]> => platform.runtime.events.read({ kind: 'job', jobId }, undefined, 10_000);

  /** Waits for the job's stream to reach a terminal event (`after` skips earlier runs of a requeued job). */
  async function finished(jobId: string, timeoutMs = 60_000, after = 0): Promise<BusEvent[]> {
    return waitUntil(
      async () => {
        const list = await events(jobId);
        return list.some((e) => e.seq > after && ['research.done', 'job.dead', 'job.cancelled'].includes(e.type)) && list;
      },
      timeoutMs,
      100,
    );
  }

  return {
    spawnResearchWorker,
    enqueue,
    events,
    finished,
    /** SIGKILLs the research workers this helper started (a failed test leaves none behind). */
    async stopAll() {
      await Promise.all(started.splice(0).map((w) => w.stop('SIGKILL')));
    },
  };
}

/**
 * The `research.done` result of a finished job. A job that ended otherwise fails the test with what it said
 * instead (its errors, logs and terminal event), so that a failure in CI explains itself.
 */
export function researchResult<T>(events: readonly BusEvent[]): T {
  const done = events.findLast((e) => e.type === 'research.done');
  if (done) return done.data.result as T;
  const said = events.filter((e) => /\.(error|log)$|^job\.|^meta$/.test(e.type)).map((e) => `${e.seq} ${e.type} ${JSON.stringify(e.data)}`);
  throw new Error(`the job ended without research.done; its events:\n${said.join('\n')}`);
}

/** Removes what the tests' jobs wrote: evidence fetched from the given loopback servers and their sources. */
export async function deleteTestEvidence(platform: Platform, urlPrefixes: readonly string[]): Promise<void> {
  const session = platform.runtime.driver.session({ database: platform.config.neo4j.database });
  try {
    await session.run(`MATCH (e:Evidence) WHERE any(p IN $prefixes WHERE e.url STARTS WITH p) DETACH DELETE e`, { prefixes: urlPrefixes });
    await session.run(`MATCH (s:Source) WHERE any(p IN $prefixes WHERE s.url STARTS WITH p) AND NOT (s)<-[:FROM]-() DETACH DELETE s`, {
      prefixes: urlPrefixes,
    });
    await session.run('MATCH (c:Claim) WHERE NOT (c)<-[:SUPPORTS]-() DELETE c');
  } finally {
    await session.close();
  }
}
