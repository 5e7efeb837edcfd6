import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../errors.js';

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
  /** The stored file's path, or undefined when the store does not hold it. */
  locate(sha256: string): Promise<string | undefined>;
  writeManifest(jobId: string, manifest: unknown): Promise<string>;
  readManifest<T>(jobId: string): Promise<T | undefined>;
}

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * A content-addressed folder: `blobs/ab/abcdef…` holds each distinct content once, whoever produced it, and is
 * never modified (a blob is written to a temporary name and renamed into place: a reader never sees half a
 * file, and two writers of the same bytes both succeed). Per-job manifests live in `manifests/<jobId>.json`.
 * Which tenant may read a blob is the graph's business (`(:Artifact {tenant, sha256})`), not the store's.
 */
export function createArtifactStore(options: { dir: string; maxBytes: number }): ArtifactStore {
  const blobPath = (sha256: string) => path.join(options.dir, 'blobs', sha256.slice(0, 2), sha256);
  const tmpDir = path.join(options.dir, 'tmp');

  async function settle(tmp: string, sha256: string, size: number): Promise<StoredBlob> {
    const target = blobPath(sha256);
    await fs.mkdir(path.dirname(target), { recursive: true });
    if (await exists(target)) {
      await fs.rm(tmp, { force: true });
      return { sha256, size, created: false };
    }
    await fs.chmod(tmp, 0o444);
    await fs.rename(tmp, target);
    return { sha256, size, created: true };
  }

  return {
    async putFile(file, maxBytes = options.maxBytes) {
      await fs.mkdir(tmpDir, { recursive: true });
      const tmp = path.join(tmpDir, randomUUID());
      const hash = createHash('sha256');
      let size = 0;
      // Counted while copying, not from a stat first: the file may grow in between.
      const meter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          size += chunk.length;
          if (size > maxBytes) return done(new AppError('PAYLOAD_TOO_LARGE', `artifact larger than ${maxBytes} bytes`, { via: 'artifacts' }));
          hash.update(chunk);
          done(null, chunk);
        },
      });
      try {
        await pipeline(createReadStream(file), meter, createWriteStream(tmp, { mode: 0o600 }));
      } catch (error) {
        await fs.rm(tmp, { force: true });
        throw error;
      }
      return settle(tmp, hash.digest('hex'), size);
    },
    async putBuffer(bytes) {
      if (bytes.length > options.maxBytes) throw new AppError('PAYLOAD_TOO_LARGE', `artifact larger than ${options.maxBytes} bytes`, { via: 'artifacts' });
      await fs.mkdir(tmpDir, { recursive: true });
      const tmp = path.join(tmpDir, randomUUID());
      await fs.writeFile(tmp, bytes, { mode: 0o600 });
      return settle(tmp, createHash('sha256').update(bytes).digest('hex'), bytes.length);
    },
    async locate(sha256) {
      if (!SHA256.test(sha256)) return undefined;
      const file = blobPath(sha256);
      return (await exists(file)) ? file : undefined;
    },
    async writeManifest(jobId, manifest) {
      const dir = path.join(options.dir, 'manifests');
      await fs.mkdir(dir, { recursive: true });
      const file = path.join(dir, `${safeName(jobId)}.json`);
      const tmp = `${file}.${randomUUID()}`;
      await fs.writeFile(tmp, JSON.stringify(manifest, null, 2));
      await fs.rename(tmp, file);
      return file;
    },
    async readManifest<T>(jobId: string) {
      const text = await fs.readFile(path.join(options.dir, 'manifests', `${safeName(jobId)}.json`), 'utf8').catch(() => undefined);
      return text === undefined ? undefined : (JSON.parse(text) as T);
    },
  };
}

const exists = (file: string) =>
  fs.access(file).then(
    () => true,
    () => false,
  );

/** Job ids are ours (UUIDs or idempotency-derived), but a file name is no place to trust that. */
function safeName(jobId: string): string {
  return jobId.replace(/[^A-Za-z0-9_.-]/g, '_');
}
