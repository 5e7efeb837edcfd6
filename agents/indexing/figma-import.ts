import { fetchDesignFile, type ReadDesignOutcome, type ReadDesignRequest } from '../../ingest/figma/index.js';
import { checkFigmaUrl } from '../../src/designs/figma-source.js';
import type { Resolve } from '../../src/net/host-check.js';
import { AppError } from '../../src/errors.js';
import { cpuTask, type CpuPool } from '../../src/cpu/cpu-pool.js';
import type { DesignGraph } from '../../src/designs/design-graph.js';
import { resolveIndexRoot } from '../../src/fs/allowed-roots.js';
import type { Processor } from '../../src/queue/job-context.js';
import type { FigmaImportInput } from '../../src/queue/job-inputs.js';

const READ = cpuTask<ReadDesignRequest, ReadDesignOutcome>(new URL('../../ingest/figma/read-design-file.ts', import.meta.url).href, 'readDesignFile');

const CHECK = { subject: 'Figma file', via: 'figma', expect: 'file' } as const;

/** Figma files above this are refused (a whole design system's file is tens of megabytes). */
const DEFAULT_MAX_BYTES = 200 * 1024 * 1024;

export interface FigmaImportDeps {
  allowedRoots: readonly string[];
  /** Import by URL: the REST base for figma.com links, the token, the SSRF allow-list and the download's time limit. */
  fetch: { apiUrl: string; token: string | undefined; allowHosts: readonly string[]; timeoutMs: number; resolve?: Resolve };
  cpu: Pick<CpuPool, 'run'>;
  designs: DesignGraph;
  maxBytes?: number;
}

/**
 * The Figma import (issue 13), an indexing job with a `figma` input: the file (a `GET /v1/files/:key` response
 * inside the allowed roots, checked again here: the worker trusts no path; or downloaded from an allowed URL) is
 * read and flattened on the CPU pool, then written incrementally into Design / DesignNode. A re-run of the same version writes nothing.
 */
export function createFigmaImportProcessor(deps: FigmaImportDeps): Processor<FigmaImportInput> {
  return async (ctx) => {
    const { figma } = ctx.input;
    const maxBytes = deps.maxBytes ?? DEFAULT_MAX_BYTES;
    // The worker trusts no URL either: the guard again (the allow-list may have changed), then on every connection.
    const download = async (url: string) => {
      const target = await checkFigmaUrl(url, deps.fetch, figma.fileKey, deps.fetch.resolve);
      return fetchDesignFile({ ...deps.fetch, url: target, fileKey: figma.fileKey, maxBytes, signal: ctx.signal });
    };
    await ctx.progress({ phase: figma.url === undefined ? 'reading' : 'downloading', fileKey: figma.fileKey });
    const source =
      figma.url === undefined ? { path: await resolveIndexRoot(figma.path ?? '', deps.allowedRoots, CHECK) } : { bytes: await download(figma.url) };
    const read = await deps.cpu.run(READ, { ...source, maxBytes }, { signal: ctx.signal });
    // A file that is not a Figma response stays one on the next attempt: not retryable.
    if (!read.ok) throw new AppError(read.code, read.message, { via: 'figma', retryable: false });
    const { content } = read;
    await ctx.progress({ phase: 'writing', nodes: content.nodes.length, version: content.version });
    await ctx.assertLease();
    const result = await deps.designs.write({
      tenant: ctx.tenant,
      jobId: ctx.jobId,
      fileKey: figma.fileKey,
      name: content.name,
      version: content.version,
      lastModified: content.lastModified,
      nodes: content.nodes,
      mapping: figma.mapping ?? {},
      force: figma.force,
    });
    return { kind: 'figma-import', fileKey: figma.fileKey, version: content.version, nodes: content.nodes.length, ...result };
  };
}
