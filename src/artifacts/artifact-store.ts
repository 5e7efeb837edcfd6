import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { contentMeter, manifestName, parseManifests, SHA256, storeFull, tooLarge, type ByteRange } from './blob-content.js';

export interface StoredBlob {
  sha256: string;
  size: number;
  /** False when the store already held these bytes (deduplicated). */
  created: boolean;
}

export interface ArtifactStore {
  /** Copies a file into the store by content; refuses one larger than `maxBytes` (PAYLOAD_TOO_LARGE). */
  putFile(file: string, maxBytes?: number): Promise<StoredBlob>;
  putBuffer(bytes: Buffer): Promise<StoredBlob>;
  /** The stored blob's size, or undefined when the store does not hold it. */
  stat(sha256: string): Promise<{ size: number } | undefined>;
  /** The blob's bytes, or only `range` of them, streamed; undefined when the store does not hold it. */
  read(sha256: string, range?: ByteRange): Promise<Readable | undefined>;
  /** Stores the job's manifest (replacing an earlier run's); returns where it is (a path or a URL). */
  writeManifest(jobId: string, manifest: unknown): Promise<string>;
  readManifest<T>(jobId: string): Promise<T | undefined>;
  /** Housekeeping (artifact-gc.ts): every blob with its size and when it was last stored or reused. */
  blobs(): AsyncIterable<BlobEntry>;
  /** Every manifest, parsed (unreadable ones skipped). */
  manifests(): AsyncIterable<unknown>;
  /** Removes a blob unless it was stored or reused after `unlessNewerThanMs`; true when removed. */
  removeBlob(sha256: string, unlessNewerThanMs: number): Promise<boolean>;
  /** Removes half-written temporary files older than `olderThanMs` (a writer that died mid-copy). */
  sweepTemp(olderThanMs: number): Promise<number>;
  /** Bytes of all blobs (the quota's measure). */
  usedBytes(): Promise<number>;
}

export interface BlobEntry {
  sha256: string;
  size: number;
  /** Last stored or reused (a deduplicated put refreshes it), ms since the epoch. */
  storedAtMs: number;
}

/**
 * A content-addressed folder: `blobs/ab/abcdef…` holds each distinct content once, whoever produced it, and is
 * never modified (a blob is written to a temporary name and renamed into place: a reader never sees half a
 * file, and two writers of the same bytes both succeed). Per-job manifests live in `manifests/<jobId>.json`.
 * Which tenant may read a blob is the graph's business (`(:Artifact {tenant, sha256})`), not the store's.
 */
export function createArtifactStore(options: { dir: string; maxBytes: number; /** 0 = no quota. */ maxStoreBytes?: number }): ArtifactStore {
  const blobsDir = path.join(options.dir, 'blobs');
  const blobPath = (sha256: string) => path.join(blobsDir, sha256.slice(0, 2), sha256);
  const tmpDir = path.join(options.dir, 'tmp');
  const quota = options.maxStoreBytes ?? 0;

  async function* blobs(): AsyncIterable<BlobEntry> {
    for (const prefix of await fs.readdir(blobsDir).catch(() => [] as string[])) {
      for (const name of await fs.readdir(path.join(blobsDir, prefix)).catch(() => [] as string[])) {
        if (!SHA256.test(name)) continue;
        const stat = await fs.stat(path.join(blobsDir, prefix, name)).catch(() => undefined);
        if (stat?.isFile()) yield { sha256: name, size: stat.size, storedAtMs: stat.mtimeMs };
      }
    }
  }

  async function usedBytes(): Promise<number> {
    let total = 0;
    for await (const blob of blobs()) total += blob.size;
    return total;
  }

  async function settle(tmp: string, sha256: string, size: number): Promise<StoredBlob> {
    const target = blobPath(sha256);
    await fs.mkdir(path.dirname(target), { recursive: true });
    if (await exists(target)) {
      await fs.rm(tmp, { force: true });
      // Reused: garbage collection's grace period starts again (the job's manifest is not written yet).
      const now = new Date();
      await fs.utimes(target, now, now).catch(() => undefined);
      return { sha256, size, created: false };
    }
    // The quota counts what is stored now, measured at each new blob (deduplicated puts are free); concurrent
    // writers may each pass the check, so the store can end up above the quota by what is in flight.
    if (quota > 0) {
      const used = await usedBytes();
      if (used + size > quota) {
        await fs.rm(tmp, { force: true });
        throw storeFull(used, size, quota);
      }
    }
    await fs.chmod(tmp, 0o444);
    await fs.rename(tmp, target);
    return { sha256, size, created: true };
  }

  return {
    async putFile(file, maxBytes = options.maxBytes) {
      await fs.mkdir(tmpDir, { recursive: true });
      const tmp = path.join(tmpDir, randomUUID());
      const meter = contentMeter(maxBytes);
      try {
        await pipeline(createReadStream(file), meter.stream, createWriteStream(tmp, { mode: 0o600 }));
      } catch (error) {
        await fs.rm(tmp, { force: true });
        throw error;
      }
      const { sha256, size } = meter.digest();
      return settle(tmp, sha256, size);
    },
    async putBuffer(bytes) {
      if (bytes.length > options.maxBytes) throw tooLarge(options.maxBytes);
      await fs.mkdir(tmpDir, { recursive: true });
      const tmp = path.join(tmpDir, randomUUID());
      await fs.writeFile(tmp, bytes, { mode: 0o600 });
      return settle(tmp, createHash('sha256').update(bytes).digest('hex'), bytes.length);
    },
    async stat(sha256) {
      if (!SHA256.test(sha256)) return undefined;
      const stat = await fs.stat(blobPath(sha256)).catch(() => undefined);
      return stat?.isFile() ? { size: stat.size } : undefined;
    },
    async read(sha256, range) {
      if (!SHA256.test(sha256)) return undefined;
      // Opened before returning, so that a missing blob is `undefined` rather than a stream that errors later.
      const handle = await fs.open(blobPath(sha256), 'r').catch(() => undefined);
      return handle?.createReadStream(range ? { start: range.start, end: range.end } : {});
    },
    async writeManifest(jobId, manifest) {
      const dir = path.join(options.dir, 'manifests');
      await fs.mkdir(dir, { recursive: true });
      const file = path.join(dir, manifestName(jobId));
      const tmp = `${file}.${randomUUID()}`;
      await fs.writeFile(tmp, JSON.stringify(manifest, null, 2));
      await fs.rename(tmp, file);
      return file;
    },
    async readManifest<T>(jobId: string) {
      const text = await fs.readFile(path.join(options.dir, 'manifests', manifestName(jobId)), 'utf8').catch(() => undefined);
      return text === undefined ? undefined : (JSON.parse(text) as T);
    },
    blobs,
    async *manifests() {
      const dir = path.join(options.dir, 'manifests');
      const names = await fs.readdir(dir).catch(() => [] as string[]);
      yield* parseManifests(names, (name) => fs.readFile(path.join(dir, name), 'utf8').catch(() => undefined));
    },
    async removeBlob(sha256, unlessNewerThanMs) {
      if (!SHA256.test(sha256)) return false;
      const file = blobPath(sha256);
      const stat = await fs.stat(file).catch(() => undefined);
      if (!stat || stat.mtimeMs > unlessNewerThanMs) return false;
      await fs.rm(file, { force: true });
      return true;
    },
    async sweepTemp(olderThanMs) {
      let removed = 0;
      for (const name of await fs.readdir(tmpDir).catch(() => [] as string[])) {
        const file = path.join(tmpDir, name);
        const stat = await fs.stat(file).catch(() => undefined);
        if (stat && stat.mtimeMs < olderThanMs) {
          await fs.rm(file, { force: true });
          removed++;
        }
      }
      return removed;
    },
    usedBytes,
  };
}

const exists = (file: string) =>
  fs.access(file).then(
    () => true,
    () => false,
  );
