import { createHash, randomUUID } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { DeleteBucketCommand, DeleteObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { expect } from 'vitest';
import type { ArtifactStore } from '../../src/artifacts/index.js';
import type { ArtifactS3Config } from '../../src/config/index.js';
import { testS3 } from '../integration/support/services.js';

/** A stored blob's bytes, whichever store holds them. */
export async function readBlob(store: ArtifactStore, sha256: string): Promise<Buffer> {
  const stream = await store.read(sha256);
  if (!stream) throw new Error(`blob ${sha256} is not in the store`);
  return buffer(stream);
}

/**
 * The two artifact stores, for `describe.each`: each test file gets a bucket of its own on the tests' S3Proxy
 * (`env` is what selects it, as in production; `config` is the same for building a store directly).
 */
export const STORE_KINDS = ['local', 's3'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

export function s3StoreConfig(bucket = `cogo-test-${randomUUID().slice(0, 8)}`, overrides: Partial<ArtifactS3Config> = {}): ArtifactS3Config {
  const s3 = testS3();
  return {
    bucket,
    endpoint: s3.endpoint,
    region: s3.region,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    prefix: 'artifacts/',
    forcePathStyle: true,
    createBucket: true,
    ...overrides,
  };
}

/** The environment that puts a platform's artifacts into `config`'s bucket. */
export function s3StoreEnv(config: ArtifactS3Config): Record<string, string> {
  return {
    COGO_ARTIFACTS_S3_BUCKET: config.bucket,
    COGO_ARTIFACTS_S3_ENDPOINT: config.endpoint!,
    COGO_ARTIFACTS_S3_REGION: config.region,
    COGO_ARTIFACTS_S3_ACCESS_KEY_ID: config.accessKeyId!,
    COGO_ARTIFACTS_S3_SECRET_ACCESS_KEY: config.secretAccessKey!,
    COGO_ARTIFACTS_S3_PREFIX: config.prefix,
    COGO_ARTIFACTS_S3_CREATE_BUCKET: String(config.createBucket),
  };
}

/** Empties and deletes a test bucket (absent already: nothing to do). */
export async function removeBucket(config: ArtifactS3Config): Promise<void> {
  const client = new S3Client({
    endpoint: config.endpoint,
    region: config.region,
    forcePathStyle: true,
    credentials: { accessKeyId: config.accessKeyId!, secretAccessKey: config.secretAccessKey! },
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  try {
    // One by one: a multi-object delete needs a request checksum that S3Proxy does not implement.
    for (;;) {
      const page = await client.send(new ListObjectsV2Command({ Bucket: config.bucket }));
      if (!page.Contents?.length) break;
      await Promise.all(page.Contents.map((o) => client.send(new DeleteObjectCommand({ Bucket: config.bucket, Key: o.Key! }))));
    }
    await client.send(new DeleteBucketCommand({ Bucket: config.bucket }));
  } catch (error) {
    if ((error as { name?: string }).name !== 'NoSuchBucket') throw error;
  } finally {
    client.destroy();
  }
}

/**
 * The REST download of an artifact, checked as a client sees it: the whole file with its sha256, single ranges
 * (206 with Content-Range, a suffix range) and a range past the end (416). Returns the bytes.
 */
export async function expectRangedDownload(
  download: { url: string; authorization: string },
  artifact: { id: string; sha256: string; size: number; mediaType: string },
): Promise<Buffer> {
  const get = (range?: string) =>
    fetch(`${download.url}/v1/artifacts/${artifact.id}`, { headers: { authorization: download.authorization, ...(range ? { range } : {}) } });
  const whole = await get();
  expect(whole.status).toBe(200);
  expect(whole.headers.get('content-type')).toBe(artifact.mediaType);
  expect(whole.headers.get('etag')).toBe(`"${artifact.sha256}"`);
  const bytes = Buffer.from(await whole.arrayBuffer());
  expect(bytes.length).toBe(artifact.size);
  expect(createHash('sha256').update(bytes).digest('hex')).toBe(artifact.sha256);

  const part = await get('bytes=10-19');
  expect(part.status).toBe(206);
  expect(part.headers.get('content-range')).toBe(`bytes 10-19/${artifact.size}`);
  expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(10, 20));
  const tail = await get('bytes=-5');
  expect(tail.status).toBe(206);
  expect(Buffer.from(await tail.arrayBuffer())).toEqual(bytes.subarray(bytes.length - 5));
  const beyond = await get(`bytes=${artifact.size}-`);
  expect(beyond.status).toBe(416);
  expect(beyond.headers.get('content-range')).toBe(`bytes */${artifact.size}`);
  return bytes;
}
