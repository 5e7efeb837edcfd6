import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../src/cli/api-client.js';
import type { BusEvent } from '../../src/events/event-types.js';
import { spawnTsProcess, type TestProcess } from '../support/child-process.js';
import { copyTree, sourceFiles } from '../support/source-corpus.js';

/**
 * Enough source files for an index of many lease lengths (the lease is 3 s): 20–50 s of chunking and embedding on
 * a 2-core CI machine, busy or not. 1,500 files took two minutes and more there (past the test's timeout when busy).
 */
const FILES = 500;

describe("issue 8: an index on `npm start`'s wiring does not stall the control plane", () => {
  let work: string;
  let service: TestProcess;
  let url: string;

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'cogo-responsive-'));
    await copyTree(sourceFiles().slice(0, FILES), path.join(work, 'corpus'));
    // As `npm start` runs it: API and workers in one process, the embedded PGlite database, CPU work on threads.
    service = await spawnTsProcess('src/main.ts', [], {
      env: {
        ...process.env,
        COGO_PORT: '0',
        COGO_DATA_DIR: path.join(work, 'data'),
        DATABASE_URL: '',
        LOG_LEVEL: 'warn',
        COGO_AUTOSTART_SERVICES: 'false',
        COGO_QUEUE_PREFIX: `responsive-${randomUUID().slice(0, 8)}`,
        COGO_INDEX_ROOTS: work,
      },
      ready: /^COGO (http:\/\/\S+) — GraphQL/m,
    });
    url = service.ready[1]!;
  });
  afterAll(async () => {
    await service?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it("answers every health request and keeps the job's lease: one done, no stall, the record counts the corpus", async () => {
    const api = createApiClient({ url });
    const { enqueueIndexing } = await api.graphql<{ enqueueIndexing: { jobId: string } }>(
      'mutation($root: String!) { enqueueIndexing(input: {root: $root}) { jobId } }',
      { root: path.join(work, 'corpus') },
    );
    const jobId = enqueueIndexing.jobId;

    // An open subscription (the REST SSE stream) for the job's whole life, and /healthz polled meanwhile.
    const events: BusEvent[] = [];
    const following = (async () => {
      for await (const event of api.jobEvents(jobId)) events.push(event);
    })();
    let answered = 0;
    const unanswered: string[] = [];
    let finished = false;
    const polling = (async () => {
      while (!finished) {
        // A request the loop cannot serve within 5 s counts as unanswered (the lease is 3 s).
        const outcome = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) }).then(
          (r) => (r.ok ? 'ok' : `HTTP ${r.status}`),
          (e: Error) => e.name,
        );
        if (outcome === 'ok') answered += 1;
        else unanswered.push(outcome);
        await sleep(100);
      }
    })();
    await following.finally(() => (finished = true));
    await polling;

    expect(unanswered).toEqual([]);
    expect(answered).toBeGreaterThan(20);
    expect(events.filter((e) => e.type === 'job.stalled')).toEqual([]);
    expect(events.filter((e) => e.type === 'indexing.done')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'meta' && e.data.phase === 'started')).toHaveLength(1);
    const { job } = await api.graphql<{ job: { status: string; result: { seen: number; added: number; failed: number } } }>(
      'query($id: ID!) { job(id: $id) { status result } }',
      { id: jobId },
    );
    expect(job.status).toBe('completed');
    expect(job.result.seen).toBe(FILES);
    expect(job.result.added + job.result.failed).toBe(FILES);
  });
});
