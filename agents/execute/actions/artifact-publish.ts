import type { Driver } from 'neo4j-driver';
import { z } from 'zod';
import { artifactId, mediaTypeOf, type ArtifactGraph, type ArtifactStore } from '../../../src/artifacts/index.js';
import { AppError } from '../../../src/errors.js';
import { cypher } from '../../../src/graph/cypher-files.js';
import { runCypher } from '../../../src/graph/driver.js';
import { defineAction } from '../action.js';

const input = z
  .object({
    /** The artifact's name within the job (its `path`), e.g. `report.md`. */
    name: z
      .string()
      .min(1)
      .max(512)
      .refine((n) => !n.split('/').includes('..') && !n.startsWith('/'), 'a relative name without ..'),
    content: z.string().max(16 * 1024 * 1024),
    encoding: z.enum(['utf8', 'base64']).default('utf8'),
    mediaType: z.string().max(200).optional(),
  })
  .strict();

type Input = z.infer<typeof input>;
type Output = { artifactId: string; sha256: string; size: number };

/** Stores content in the artifact store and records `(:Job)-[:PRODUCED]->(:Artifact)`; both are keyed by content and name, so a re-run is a no-op. */
export function artifactPublishAction(deps: { artifacts: ArtifactStore; artifactGraph: ArtifactGraph; driver: Driver; database: string }) {
  return defineAction<Input, Output>({
    name: 'artifact.publish',
    description: 'store a file in the artifact store as an (:Artifact) the job PRODUCED',
    input,
    rateLimit: { perSec: 20, burst: 20, onLimit: 'delay' },
    async run(given, ctx) {
      const blob = await deps.artifacts.putBuffer(Buffer.from(given.content, given.encoding));
      const id = artifactId(ctx.tenant, ctx.jobId, given.name);
      const recorded = await deps.artifactGraph.record(ctx.tenant, ctx.jobId, [
        {
          id,
          sha256: blob.sha256,
          path: given.name,
          size: blob.size,
          mediaType: given.mediaType ?? mediaTypeOf(given.name),
          kind: 'execute-output',
          createdAt: new Date().toISOString(),
        },
      ]);
      if (!recorded) throw new AppError('NOT_FOUND', `job ${ctx.jobId} has no graph record to attach the artifact to`, { via: 'execute', retryable: true });
      return { output: { artifactId: id, sha256: blob.sha256, size: blob.size }, produced: [{ label: 'Artifact', id }] };
    },
    async compensate(_given, output, ctx) {
      await runCypher(deps.driver, deps.database, cypher('execute/delete-artifact'), { id: output.artifactId, tenant: ctx.tenant, jobId: ctx.jobId });
      return 'undone';
    },
  });
}
