import type { Platform } from '../integration/support/platform.js';
import { spawnTsProcess, type TestProcess } from './child-process.js';
import { waitUntil } from '../integration/support/platform.js';
import { terminalEvent } from './indexing-fixtures.js';
import type { ReceivedChat } from './openai-server.js';

/** The id of the prompt's passage that says `phrase` (the prompt lists passages as `[id] (ref) text`). */
export function passageIdSaying(request: ReceivedChat, phrase: string): string {
  const user = request.messages.find((m) => m.role === 'user')!.content;
  const before = user.slice(0, user.indexOf(phrase));
  return [...before.matchAll(/^\[([^\]\s]+)\] \(/gm)].at(-1)?.[1] ?? 'none';
}

/** The three tiers on the tests' OpenAI-compatible server, one scripted model name each. */
export function modelTiersAt(url: string, timeoutMs: number): Record<string, string> {
  return {
    OPENAI_BASE_URL: url,
    OPENAI_API_KEY: 'test-key',
    COGO_MODEL_NANO: 'nano-model',
    COGO_MODEL_MINI: 'mini-model',
    COGO_MODEL_FULL: 'full-model',
    COGO_LLM_TIMEOUT_MS: String(timeoutMs),
    // These tests script each tier's answers; the grounding judge's own calls are tested in llm-grounding-judge.
    COGO_GROUNDING_JUDGE: 'off',
  };
}

/** Indexes `root` through the platform's API and waits for its end: the passages the questions are answered from. */
export async function indexThroughApi(platform: Platform, root: string): Promise<string> {
  const { data } = await platform.graphql<{ enqueueIndexing: { jobId: string } }>(
    'mutation($root: String!) { enqueueIndexing(input: {root: $root}) { jobId } }',
    {
      root,
    },
  );
  const done = await waitUntil(async () => terminalEvent(await platform.runtime.events.read({ kind: 'job', jobId: data!.enqueueIndexing.jobId })), 60_000);
  return done.type;
}

/**
 * `cogo worker --queues orchestrate`: a real process on the platform's services (and models), for tests that kill
 * it; added to `started` so that the test's cleanup stops it.
 */
export async function spawnOrchestrateWorker(platform: Platform, started: TestProcess[]): Promise<TestProcess> {
  const worker = await spawnTsProcess('src/cli/index.ts', ['worker', '--queues', 'orchestrate'], { env: platform.env, ready: /worker (\S+) on orchestrate/ });
  started.push(worker);
  return worker;
}
