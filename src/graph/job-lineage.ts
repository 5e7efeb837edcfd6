import neo4j, { type Driver } from 'neo4j-driver';
import { cypher } from './cypher-files.js';
import { runCypher } from './driver.js';
import { createGroupCommit } from './group-commit.js';

/** The properties of a `(:Job)` node; flat, so that Neo4j Browser shows them as they are. */
export interface JobNode {
  id: string;
  type: string;
  tenant: string;
  status: string;
  traceId: string;
  idempotencyKey: string | null;
  parentJobId: string | null;
  principal: string;
  enqueuedAt: string;
  startedAt?: string | null;
  finishedAt?: string | null;
  attempts?: number;
  maxAttempts: number;
  workerId?: string | null;
  inputJson: string;
  resultJson?: string | null;
  errorJson?: string | null;
  updatedAtMs: number;
  /** The BullMQ lock token of the run that started last: the fencing token its writes must carry. */
  runToken?: string | null;
}

export type JobChanges = Partial<Omit<JobNode, 'id' | 'type' | 'tenant'>> & { updatedAtMs: number };

/** What never changes after enqueue. */
export type JobFacts = Pick<
  JobNode,
  'id' | 'type' | 'tenant' | 'traceId' | 'idempotencyKey' | 'parentJobId' | 'principal' | 'enqueuedAt' | 'maxAttempts' | 'inputJson'
>;

export interface JobLineage {
  create(job: JobNode): Promise<void>;
  /**
   * With `facts`, a record that does not exist yet is created from them (a worker can be first). With `fence`
   * (a run's lock token) the change applies only while that run is the job's latest (`runToken`).
   */
  update(id: string, changes: JobChanges, facts?: JobFacts | null, fence?: string): Promise<void>;
  get(id: string, tenant: string): Promise<(JobNode & { artifacts: Record<string, unknown>[] }) | null>;
  list(query: {
    tenant: string;
    type?: string | null;
    statuses?: string[] | null;
    since?: string | null;
    after?: { at: string; id: string } | null;
    limit: number;
  }): Promise<JobNode[]>;
}

export function createJobLineage(driver: Driver, database: string): JobLineage {
  // Every job writes its node at enqueue and on each status change: batched, these cost one transaction per
  // burst instead of one per job.
  const create = createGroupCommit<JobNode>((jobs) => runCypher(driver, database, cypher('jobs/create-job'), { jobs }).then(() => undefined));
  const update = createGroupCommit<{ id: string; changes: Record<string, unknown>; facts: JobFacts | null; fence: string | null }>((updates) =>
    runCypher(driver, database, cypher('jobs/update-job'), { updates }).then(() => undefined),
  );
  return {
    create,
    async update(id, changes, facts, fence) {
      await update({ id, changes: Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)), facts: facts ?? null, fence: fence ?? null });
    },
    async get(id, tenant) {
      const rows = await runCypher<{ job: JobNode; parentJobId: string | null; artifacts: Record<string, unknown>[] }>(
        driver,
        database,
        cypher('jobs/get-job'),
        { id, tenant },
        'READ',
      );
      const row = rows[0];
      return row ? { ...row.job, parentJobId: row.parentJobId ?? row.job.parentJobId, artifacts: row.artifacts } : null;
    },
    async list(q) {
      const rows = await runCypher<{ job: JobNode }>(
        driver,
        database,
        cypher('jobs/list-jobs'),
        {
          tenant: q.tenant,
          type: q.type ?? null,
          statuses: q.statuses ?? null,
          since: q.since ?? null,
          cursorAt: q.after?.at ?? null,
          cursorId: q.after?.id ?? null,
          limit: neo4j.int(q.limit),
        },
        'READ',
      );
      return rows.map((r) => r.job);
    },
  };
}
