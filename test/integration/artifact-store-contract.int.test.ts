import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { HeadBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArtifactStore, createS3ArtifactStore, type ArtifactStore } from '../../src/artifacts/index.js';
import type { ArtifactS3Config } from '../../src/config/index.js';
import { readBlob, removeBucket, s3StoreConfig, STORE_KINDS } from '../support/artifact-fixtures.js';

const MAX_BYTES = 64 * 1024;

describe.each(STORE_KINDS)('the ArtifactStore contract (%s)', (kind) => {
  let store: ArtifactStore;
  let dir: string;
  let s3: ArtifactS3Config | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'cogo-store-'));
    s3 = kind === 's3' ? s3StoreConfig() : undefined;
    store = s3 ? createS3ArtifactStore({ s3, maxBytes: MAX_BYTES }) : createArtifactStore({ dir: path.join(dir, 'store'), maxBytes: MAX_BYTES });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    if (s3) await removeBucket(s3);
  });

  it('stores content by its sha256 once, and reads it back whole or by range', async () => {
    const bytes = Buffer.from(`content ${randomUUID()} `.repeat(100));
    const file = path.join(dir, 'a.bin');
    await writeFile(file, bytes);
    const first = await store.putFile(file);
    expect(first).toMatchObject({ size: bytes.length, created: true });
    const again = await store.putBuffer(bytes);
    expect(again).toEqual({ ...first, created: false });
    expect(await store.stat(first.sha256)).toEqual({ size: bytes.length });
    expect(await readBlob(store, first.sha256)).toEqual(bytes);
    const range = await store.read(first.sha256, { start: 5, end: 14 });
    expect(Buffer.concat(await range!.toArray())).toEqual(bytes.subarray(5, 15));
    // Absent content, and names that are not a sha256, are simply not there.
    expect(await store.stat('0'.repeat(64))).toBeUndefined();
    expect(await store.read('0'.repeat(64))).toBeUndefined();
    expect(await store.stat('../../etc/passwd')).toBeUndefined();
  });

  it('refuses a file above its size limit and stores nothing of it', async () => {
    const before = await store.usedBytes();
    const file = path.join(dir, 'big.bin');
    await writeFile(file, Buffer.alloc(MAX_BYTES + 1, 7));
    await expect(store.putFile(file)).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    await expect(store.putBuffer(Buffer.alloc(MAX_BYTES + 1))).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(await store.usedBytes()).toBe(before);
    // A smaller limit for one put (a build's per-artifact cap).
    await writeFile(file, Buffer.alloc(100, 1));
    await expect(store.putFile(file, 99)).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('keeps one manifest per job, replaced by a re-run, and lists them all', async () => {
    const job = `job-${randomUUID()}`;
    expect(await store.readManifest(job)).toBeUndefined();
    await store.writeManifest(job, { jobId: job, artifacts: [{ sha256: 'a'.repeat(64) }] });
    await store.writeManifest(job, { jobId: job, artifacts: [{ sha256: 'b'.repeat(64) }] });
    expect(await store.readManifest(job)).toEqual({ jobId: job, artifacts: [{ sha256: 'b'.repeat(64) }] });
    const all: unknown[] = [];
    for await (const manifest of store.manifests()) all.push(manifest);
    expect(all).toContainEqual({ jobId: job, artifacts: [{ sha256: 'b'.repeat(64) }] });
    expect(all.filter((m) => (m as { jobId: string }).jobId === job)).toHaveLength(1);
  });

  it('lists blobs with size and time, and removes one only when it is not newer than asked', async () => {
    const blob = await store.putBuffer(Buffer.from(`removable ${randomUUID()}`));
    const listed: { sha256: string; size: number; storedAtMs: number }[] = [];
    for await (const entry of store.blobs()) listed.push(entry);
    const entry = listed.find((b) => b.sha256 === blob.sha256)!;
    expect(entry.size).toBe(blob.size);
    expect(Math.abs(entry.storedAtMs - Date.now())).toBeLessThan(60_000);
    expect(await store.usedBytes()).toBe(listed.reduce((sum, b) => sum + b.size, 0));
    // Stored after the cutoff: kept.
    expect(await store.removeBlob(blob.sha256, entry.storedAtMs - 1)).toBe(false);
    expect(await store.stat(blob.sha256)).toBeDefined();
    expect(await store.removeBlob(blob.sha256, entry.storedAtMs)).toBe(true);
    expect(await store.stat(blob.sha256)).toBeUndefined();
    expect(await store.removeBlob(blob.sha256, Date.now())).toBe(false);
  });
});

describe('the S3 artifact store against a real S3 server (S3Proxy)', () => {
  const buckets: ArtifactS3Config[] = [];
  const config = (overrides: Partial<ArtifactS3Config> = {}) => {
    const made = s3StoreConfig(undefined, overrides);
    buckets.push(made);
    return made;
  };
  const client = (c: ArtifactS3Config) =>
    new S3Client({
      endpoint: c.endpoint,
      region: c.region,
      forcePathStyle: true,
      credentials: { accessKeyId: c.accessKeyId!, secretAccessKey: c.secretAccessKey! },
    });
  const bucketExists = (c: ArtifactS3Config) =>
    client(c)
      .send(new HeadBucketCommand({ Bucket: c.bucket }))
      .then(
        () => true,
        () => false,
      );
  afterAll(async () => {
    for (const made of buckets) await removeBucket(made);
  });

  it('creates a missing bucket when configured to, and keeps its objects under the prefix', async () => {
    const c = config({ prefix: 'team-a/cogo/' });
    expect(await bucketExists(c)).toBe(false);
    const store = createS3ArtifactStore({ s3: c, maxBytes: MAX_BYTES });
    const blob = await store.putBuffer(Buffer.from('under a prefix'));
    await store.writeManifest('job-1', { artifacts: [] });
    expect(await bucketExists(c)).toBe(true);
    const keys = ((await client(c).send(new ListObjectsV2Command({ Bucket: c.bucket }))).Contents ?? []).map((o) => o.Key).sort();
    expect(keys).toEqual([`team-a/cogo/blobs/${blob.sha256.slice(0, 2)}/${blob.sha256}`, 'team-a/cogo/manifests/job-1.json']);
  });

  it('a missing bucket it may not create is a clear error that says what to do, and nothing is created', async () => {
    const c = config({ createBucket: false });
    const store = createS3ArtifactStore({ s3: c, maxBytes: MAX_BYTES });
    const error = await store.putBuffer(Buffer.from('x')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', via: 'artifacts', retryable: false });
    expect((error as Error).message).toMatch(new RegExp(`bucket "${c.bucket}" does not exist .*set COGO_ARTIFACTS_S3_CREATE_BUCKET=true`));
    expect(await bucketExists(c)).toBe(false);
  });

  it('wrong credentials are a clear, non-retryable error naming the settings to fix', async () => {
    const c = config();
    const store = createS3ArtifactStore({ s3: { ...c, secretAccessKey: 'not-the-secret' }, maxBytes: MAX_BYTES });
    for (const attempt of [() => store.putBuffer(Buffer.from('x')), () => store.usedBytes()]) {
      const error = await attempt().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', via: 'artifacts', retryable: false });
      expect((error as Error).message).toMatch(/refused COGO's credentials .*check COGO_ARTIFACTS_S3_ACCESS_KEY_ID and COGO_ARTIFACTS_S3_SECRET_ACCESS_KEY/);
    }
    expect(await bucketExists(c)).toBe(false);
  });

  it('a server that does not answer is a retryable error naming the endpoint', async () => {
    const c = s3StoreConfig(undefined, { endpoint: 'http://127.0.0.1:9' }); // nothing to clean up there
    const store = createS3ArtifactStore({ s3: c, maxBytes: MAX_BYTES });
    const error = await store.stat('a'.repeat(64)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', retryable: true });
    expect((error as Error).message).toMatch(/could not check the bucket .*127\.0\.0\.1:9.*ECONNREFUSED.*COGO_ARTIFACTS_S3_ENDPOINT/);
  });
});
