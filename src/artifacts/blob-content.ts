import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { AppError } from '../errors.js';

/** How every store names a blob: its sha256, lowercase hex. */
export const SHA256 = /^[0-9a-f]{64}$/;

/** A job's manifest file or key name. Job ids are ours (UUIDs or idempotency-derived), but a name is no place to trust that. */
export const manifestName = (jobId: string) => `${jobId.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`;

/**
 * The manifests among `names` (`*.json`), parsed. An unreadable or malformed one is skipped: it references nothing
 * it can prove (a local one cut short by a crash; its job's graph nodes still count for garbage collection).
 */
export async function* parseManifests(
  names: Iterable<string> | AsyncIterable<string>,
  read: (name: string) => Promise<string | undefined>,
): AsyncIterable<unknown> {
  for await (const name of names) {
    if (!name.endsWith('.json')) continue;
    const text = await read(name);
    if (text === undefined) continue;
    try {
      yield JSON.parse(text) as unknown;
    } catch {
      // skipped, as said above
    }
  }
}

/** An inclusive byte range of a blob (HTTP `Range` semantics). */
export interface ByteRange {
  start: number;
  end: number;
}

export const tooLarge = (maxBytes: number) => new AppError('PAYLOAD_TOO_LARGE', `artifact larger than ${maxBytes} bytes`, { via: 'artifacts' });

/** The quota refusal every store gives, with what to do about it. */
export function storeFull(usedBytes: number, blobBytes: number, quotaBytes: number): AppError {
  return new AppError(
    'PAYLOAD_TOO_LARGE',
    `the artifact store is full: ${usedBytes} bytes stored, ${blobBytes} more would pass its quota of ${quotaBytes} bytes (COGO_ARTIFACTS_MAX_STORE_BYTES); run \`cogo artifacts gc\` or raise the quota`,
    { via: 'artifacts', retryable: false, details: { usedBytes, blobBytes, quotaBytes } },
  );
}

/**
 * A pass-through that hashes and counts what flows through it and fails past `maxBytes`: sizes are counted while
 * reading, never taken from a stat first, because the file may grow in between. The MD5 is for S3's `Content-MD5`
 * (the server then refuses bytes that changed between hashing and upload).
 */
export function contentMeter(maxBytes: number) {
  const sha256 = createHash('sha256');
  const md5 = createHash('md5');
  let size = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > maxBytes) return done(tooLarge(maxBytes));
      sha256.update(chunk);
      md5.update(chunk);
      done(null, chunk);
    },
  });
  return {
    stream,
    /** Call once the stream has ended. */
    digest: () => ({ sha256: sha256.digest('hex'), md5Base64: md5.digest('base64'), size }),
  };
}
