import type { Driver } from 'neo4j-driver';
import { z } from 'zod';
import { AppError } from '../../../src/errors.js';
import { cypher } from '../../../src/graph/cypher-files.js';
import { runCypher } from '../../../src/graph/driver.js';
import { defineAction } from '../action.js';

const id = z.string().min(1).max(256);
const scalar = z.union([z.string().max(8192), z.number(), z.boolean()]);
/** Neo4j properties: scalars or lists of them. */
const properties = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/), z.union([scalar, z.array(scalar).max(1000)])).default({});
const reserved = ['id', 'tenant', 'kind', 'createdBy', 'createdAt', 'jobId'];

const input = z
  .object({
    nodes: z
      .array(z.object({ id, kind: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/), properties }).strict())
      .min(1)
      .max(1000),
    relationships: z
      .array(z.object({ from: id, to: id, type: z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/, 'UPPER_SNAKE_CASE'), properties }).strict())
      .max(1000)
      .default([]),
  })
  .strict()
  .superRefine((given, ctx) => {
    const bad = [...given.nodes, ...given.relationships].flatMap((item) => Object.keys(item.properties).filter((k) => reserved.includes(k)));
    if (bad.length) ctx.addIssue({ code: 'custom', message: `reserved property names: ${[...new Set(bad)].join(', ')}` });
  });

type Input = z.infer<typeof input>;

/** Tenant-stamped (:Record) nodes and relationships through named Cypher (cypher/execute/); compensation removes what it created. */
export function graphUpsertAction(graph: { driver: Driver; database: string }) {
  return defineAction<Input, { nodes: number; relationships: number }>({
    name: 'graph.upsert',
    description: 'MERGE tenant-stamped (:Record) nodes and [:RELATES] relationships, linked (:Job)-[:PRODUCED]->',
    input,
    scopes: () => ['graph:write'],
    rateLimit: { perSec: 20, burst: 20, onLimit: 'delay' },
    async run(given, ctx) {
      const params = { tenant: ctx.tenant, jobId: ctx.jobId, key: ctx.idempotencyKey };
      const [written] = await runCypher<{ n: number }>(graph.driver, graph.database, cypher('execute/upsert-records'), { ...params, nodes: given.nodes });
      if (Number(written?.n ?? 0) === 0)
        throw new AppError('NOT_FOUND', `job ${ctx.jobId} has no graph record to attach nodes to`, { via: 'execute', retryable: true });
      const [linked] = given.relationships.length
        ? await runCypher<{ n: number }>(graph.driver, graph.database, cypher('execute/link-records'), { ...params, relationships: given.relationships })
        : [{ n: 0 }];
      const relationships = Number(linked?.n ?? 0);
      if (relationships < given.relationships.length) {
        throw new AppError('BAD_INPUT', `graph.upsert: ${given.relationships.length - relationships} relationship(s) name a node id that does not exist`, {
          via: 'execute',
        });
      }
      return { output: { nodes: given.nodes.length, relationships }, produced: given.nodes.map((n) => ({ label: 'Record', id: n.id })) };
    },
    async compensate(_given, _output, ctx) {
      await runCypher(graph.driver, graph.database, cypher('execute/undo-records'), { tenant: ctx.tenant, key: ctx.runKey });
      return 'undone';
    },
  });
}
