import { describe, expect, it } from 'vitest';
import { createGraphDriver } from '../../src/graph/driver.js';
import { countTracedJobs } from './support/graph-cleanup.js';
import { startPlatform } from './support/platform.js';

const ENQUEUE = `mutation { enqueueExecute(input: {action: "script", params: {}}) { jobId } }`;

// Issue 8, item 6: tests own their data. A platform's jobs and its tenant's nodes are gone after close().
describe('a test platform', () => {
  describe('when it closes', () => {
    it('deletes the jobs its API requests created and every node of its own tenant, and nothing else', async () => {
      const platform = await startPlatform();
      const { driver } = platform.runtime;
      const database = platform.config.neo4j.database;
      const scope = { tenant: platform.tenant, traceTag: platform.traceTag };
      let closed = false;
      try {
        const enqueued = await Promise.all([platform.graphql(ENQUEUE), platform.graphql(ENQUEUE)]);
        expect(enqueued.map((r) => r.errors)).toEqual([undefined, undefined]);
        // Counted by this platform's trace tag: other tests enqueueing at the same time do not change it.
        expect(await platform.countJobs()).toBe(2);
        await driver.executeQuery(
          'CREATE (:Evidence {id: $id, tenant: $tenant}), (:Job {id: $job, tenant: $tenant})',
          {
            id: `${platform.tenant}-evidence`,
            job: `${platform.tenant}-job`,
            tenant: platform.tenant,
          },
          { database },
        );
        // Someone else's job in another tenant: it must survive the clean-up.
        await driver.executeQuery(
          "CREATE (:Job {id: $id, tenant: $tenant, traceId: 'ffffffffffff00000000000000000000'})",
          {
            id: `${platform.tenant}-bystander`,
            tenant: 'default',
          },
          { database },
        );

        await platform.close();
        closed = true;

        // The platform's driver is closed with it: look with a fresh one.
        const after = createGraphDriver(platform.config.neo4j);
        try {
          expect(await countTracedJobs(after, database, scope)).toBe(0);
          const left = await after.executeQuery('MATCH (n) WHERE n.tenant = $tenant RETURN count(n) AS n', { tenant: platform.tenant }, { database });
          expect(Number(left.records[0]!.get('n'))).toBe(0);
          const bystander = await after.executeQuery(
            'MATCH (j:Job {id: $id}) DETACH DELETE j RETURN count(j) AS n',
            { id: `${platform.tenant}-bystander` },
            { database },
          );
          expect(Number(bystander.records[0]!.get('n'))).toBe(1);
        } finally {
          await after.close();
        }
      } finally {
        if (!closed) await platform.close();
      }
    });
  });
});
