import { scanFiles, type ScannedFile, type SkippedEntry } from '../../ingest/scanner.js';

/**
 * Never indexed, whatever include says: files that usually hold secrets. Exclude patterns win over include
 * patterns in the scanner, so a user cannot index them by accident.
 */
export const SECRET_EXCLUDES: readonly string[] = ['.env*', '*.pem', '*.key', '*.p12', '*.pfx', 'id_rsa*', 'id_ecdsa*', 'id_ed25519*', '.npmrc', '.netrc'];

export interface ScanResult {
  files: ScannedFile[];
  skipped: SkippedEntry[];
}

export interface ScanRequest {
  root: string;
  include?: string[] | undefined;
  exclude?: string[] | undefined;
  maxFileBytes?: number | undefined;
  /** Bytes of files one job may read in total; files past it are skipped as `job-byte-limit` (and kept). */
  maxJobBytes?: number | undefined;
  signal: AbortSignal;
  /** Called every `every` files: the scan of a large tree takes long enough to need progress of its own. */
  onProgress?: (seen: number) => void;
}

/** The whole scan up front: the file list gives the progress total and the paths imports may resolve to. */
export async function scanRoot(request: ScanRequest): Promise<ScanResult> {
  const files: ScannedFile[] = [];
  const skipped: SkippedEntry[] = [];
  let admittedBytes = 0;
  for await (const entry of scanFiles({
    root: request.root,
    ...(request.include?.length ? { include: request.include } : {}),
    exclude: [...SECRET_EXCLUDES, ...(request.exclude ?? [])],
    ...(request.maxFileBytes ? { maxFileBytes: request.maxFileBytes } : {}),
    signal: request.signal,
  })) {
    if (entry.kind === 'file' && request.maxJobBytes !== undefined && admittedBytes + entry.size > request.maxJobBytes) {
      skipped.push({ kind: 'skipped', path: entry.path, reason: 'job-byte-limit', detail: `the job may read ${request.maxJobBytes} bytes` });
    } else if (entry.kind === 'file') {
      admittedBytes += entry.size;
      files.push(entry);
      if (files.length % 500 === 0) request.onProgress?.(files.length);
    } else {
      skipped.push(entry);
    }
  }
  return { files, skipped };
}

/** Counts of skipped entries by reason, for the report. */
export function skippedByReason(skipped: readonly SkippedEntry[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const entry of skipped) counts[entry.reason] = (counts[entry.reason] ?? 0) + 1;
  return counts;
}
