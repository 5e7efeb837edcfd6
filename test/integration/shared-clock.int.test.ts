import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSharedClock } from '../../src/redis/shared-clock.js';
import { startPlatform, waitUntil, type Platform } from './support/platform.js';

describe('the shared clock (Redis TIME) that orders job records across hosts', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform?.close());

  it("reads the Redis server's time whatever this host's clock says", async () => {
    const skewed = createSharedClock(platform.runtime.redis, { localNow: () => Date.now() - 7_200_000 });
    await skewed.ready;
    const [seconds, micros] = await platform.runtime.redis.time();
    const redisMs = Number(seconds) * 1000 + Number(micros) / 1000;
    expect(Math.abs(skewed.now() - redisMs)).toBeLessThan(250);
    expect(skewed.offsetMs()).toBeGreaterThan(7_199_000);
    skewed.stop();
  });

  it('leaves a host that is in step with Redis on its own clock, so its processes agree to the millisecond', async () => {
    // Redis runs on this host: its processes read the same clock, and measuring would only add round-trip noise.
    const clocks = [createSharedClock(platform.runtime.redis), createSharedClock(platform.runtime.redis, { localNow: () => Date.now() + 20 })];
    await Promise.all(clocks.map((c) => c.ready));
    expect(clocks.map((c) => c.offsetMs())).toEqual([0, 0]);
    for (const c of clocks) c.stop();
  });

  it('keeps the record of a job run by a worker whose clock is 10 minutes behind in step, requeue included', async () => {
    const worker = await platform.spawnWorker('late-clock', { CLOCK_SKEW_MS: String(-600_000) });
    const { data } = await platform.graphql<{ enqueueExecute: { jobId: string } }>(
      'mutation { enqueueExecute(input: {action: "script", params: {steps: 1}}) { jobId } }',
    );
    const jobId = data!.enqueueExecute.jobId;
    // Straight from the graph: reads overlay BullMQ's state, the record alone shows whose write won.
    const record = () => platform.runtime.lineage.get(jobId, platform.tenant);
    const done = await waitUntil(async () => ((await record())?.status === 'completed' ? record() : undefined), 20_000);
    expect(JSON.parse(done!.resultJson!)).toMatchObject({ runs: 1 });
    expect(done!.workerId).toBe('late-clock');

    const retried = await platform.graphql('mutation($id: ID!) { retryJob(id: $id) { status } }', { id: jobId });
    expect(retried.errors).toBeUndefined();
    await waitUntil(async () => {
      const node = await record();
      return node?.status === 'completed' && node.resultJson && JSON.parse(node.resultJson).runs === 2;
    }, 20_000);
    await worker.stop();
  });
});
