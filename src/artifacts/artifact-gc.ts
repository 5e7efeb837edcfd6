import type { ArtifactStore } from './artifact-store.js';

export interface GcReport {
  blobs: number;
  referenced: number;
  removed: number;
  removedBytes: number;
  /** Unreferenced but stored or reused within the grace period: a running job may not have written its manifest yet. */
  keptYoung: number;
  tempFilesRemoved: number;
  dryRun: boolean;
}

/**
 * Removes the blobs nothing references: no manifest lists them and no `(:Artifact)` node in the graph points at
 * them (the indexing report has a node but no manifest). A blob stored or reused less than `graceMs` ago is kept,
 * because a job puts its blobs first and writes its manifest and nodes at the end. Store-agnostic: it uses only
 * the `ArtifactStore` interface, so another store implementation gets the same collection.
 */
export async function collectArtifactGarbage(options: {
  store: ArtifactStore;
  /** sha256s referenced outside the manifests (the graph's `(:Artifact)` nodes). */
  graphReferences: () => Promise<Iterable<string>>;
  graceMs: number;
  dryRun?: boolean;
  now?: number;
}): Promise<GcReport> {
  const now = options.now ?? Date.now();
  const cutoff = now - options.graceMs;
  const referenced = new Set<string>(await options.graphReferences());
  for await (const manifest of options.store.manifests()) {
    const artifacts = (manifest as { artifacts?: unknown }).artifacts;
    if (!Array.isArray(artifacts)) continue;
    for (const artifact of artifacts) {
      const sha = (artifact as { sha256?: unknown } | null)?.sha256;
      if (typeof sha === 'string') referenced.add(sha);
    }
  }
  const report: GcReport = { blobs: 0, referenced: 0, removed: 0, removedBytes: 0, keptYoung: 0, tempFilesRemoved: 0, dryRun: options.dryRun === true };
  for await (const blob of options.store.blobs()) {
    report.blobs++;
    if (referenced.has(blob.sha256)) report.referenced++;
    else if (blob.storedAtMs > cutoff) report.keptYoung++;
    else if (options.dryRun || (await options.store.removeBlob(blob.sha256, cutoff))) {
      report.removed++;
      report.removedBytes += blob.size;
    } else report.keptYoung++;
  }
  if (!options.dryRun) report.tempFilesRemoved = await options.store.sweepTemp(cutoff);
  return report;
}
