import { startWorkers } from '../../src/app.js';
import type { WorkerHost } from '../../src/queue/worker-host.js';
import { startPlatform, waitUntil, type Platform } from '../integration/support/platform.js';
import { spawnTsProcess, type TestProcess } from './child-process.js';
import { copyCorpus, createScratchDatabase, removeGraphOf, terminalEvent } from './indexing-fixtures.js';
import { startOpenAiServer, type OpenAiServer, type ReceivedChat } from './openai-server.js';

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

/** A platform that answers questions: scripted model tiers, in-process indexing and orchestrate workers, the corpus indexed. */
export interface AskPlatform {
  platform: Platform;
  models: OpenAiServer;
  corpus: Awaited<ReturnType<typeof copyCorpus>>;
  /** Stops the workers, removes the corpus's graph and everything the platform made. */
  close(): Promise<void>;
}

export async function startAskPlatform(env: Record<string, string> = {}): Promise<AskPlatform> {
  const [db, corpus, models] = await Promise.all([createScratchDatabase(), copyCorpus(), startOpenAiServer()]);
  let platform: Platform | undefined;
  let worker: WorkerHost | undefined;
  const close = async () => {
    await worker?.close();
    if (platform) await removeGraphOf(platform.runtime.driver, platform.config.neo4j.database, corpus.root);
    await platform?.close();
    await Promise.all([db.drop(), corpus.remove(), models.close()]);
  };
  try {
    platform = await startPlatform({ DATABASE_URL: db.url, ...modelTiersAt(models.url, 5000), ...env });
    worker = await startWorkers(platform.runtime, ['indexing', 'orchestrate']);
    const indexed = await indexThroughApi(platform, corpus.root);
    if (indexed !== 'indexing.done') throw new Error(`indexing the corpus ended with ${indexed}`);
  } catch (error) {
    await close();
    throw error;
  }
  return { platform, models, corpus, close };
}
