import type { IndexGraphWriter } from '../../src/graph/index-graph-writer.js';
import type { ArtifactStore } from '../../src/artifacts/index.js';
import { reportArtifactId } from './ids.js';

export interface FailedFile {
  path: string;
  reason: string;
  detail?: string;
}

export interface IndexingCounts {
  /** Files the scan found. */
  seen: number;
  added: number;
  updated: number;
  /** Unchanged files (size + mtime, or the same sha256). */
  skipped: number;
  /** `full` mode: unchanged files processed again. */
  reprocessed: number;
  deleted: number;
  failed: number;
  chunksEmbedded: number;
  chunksReused: number;
  mentionLinks: number;
}

export interface IndexingReport {
  jobId: string;
  tenant: string;
  root: string;
  mode: 'incremental' | 'full';
  embedder: string;
  localEmbedder: boolean;
  /** The index was dropped first because another embedder had built it (`full` mode only). */
  rebuilt: boolean;
  /** This attempt continued a run that a crash or a retry had interrupted. */
  resumed: boolean;
  attempt: number;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  counts: IndexingCounts;
  /** Scanner skips by reason (ignored, binary, too-large, symlink-outside-root, …). */
  skippedByReason: Record<string, number>;
  failedFiles: FailedFile[];
  orphansRemoved: { entities: number; stubs: number };
}

/** The report keeps at most this many failed files; the count is always exact. */
const MAX_FAILED_IN_REPORT = 1000;
/** `indexing.done` and the job's result stay small: the artifact has the rest. */
const MAX_FAILED_IN_RESULT = 20;

/** Stores the report as an `(:Artifact)` the job PRODUCED and returns the job's result summary. */
export async function finishReport(
  graph: IndexGraphWriter,
  store: Pick<ArtifactStore, 'putBuffer'> | undefined,
  report: IndexingReport,
): Promise<Record<string, unknown>> {
  const stored = { ...report, failedFiles: report.failedFiles.slice(0, MAX_FAILED_IN_REPORT) };
  const artifactId = reportArtifactId(report.jobId);
  const json = JSON.stringify(stored);
  // In the artifact store too (issue 11): downloadable by id like a build's files. The inline `json` stays for
  // the job view's `artifacts`, which reads it from the node.
  const blob = store ? await store.putBuffer(Buffer.from(json)) : undefined;
  await graph.writeReport(report.tenant, report.jobId, {
    ...(blob ? { sha256: blob.sha256, size: blob.size, path: 'indexing-report.json' } : {}),
    id: artifactId,
    tenant: report.tenant,
    kind: 'indexing-report',
    name: `indexing report for ${report.root}`,
    mediaType: 'application/json',
    root: report.root,
    createdAt: report.finishedAt,
    json,
  });
  const { counts } = report;
  return {
    root: report.root,
    mode: report.mode,
    embedder: report.embedder,
    localEmbedder: report.localEmbedder,
    added: counts.added,
    updated: counts.updated,
    skipped: counts.skipped,
    reprocessed: counts.reprocessed,
    deleted: counts.deleted,
    failed: counts.failed,
    seen: counts.seen,
    chunksEmbedded: counts.chunksEmbedded,
    chunksReused: counts.chunksReused,
    rebuilt: report.rebuilt,
    resumed: report.resumed,
    durationMs: report.durationMs,
    reportArtifactId: artifactId,
    failedFiles: report.failedFiles.slice(0, MAX_FAILED_IN_RESULT),
  };
}
