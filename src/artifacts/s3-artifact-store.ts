import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import type { ArtifactS3Config } from '../config/index.js';
import { AppError } from '../errors.js';
import type { ArtifactStore, BlobEntry, StoredBlob } from './artifact-store.js';
import { contentMeter, manifestName, parseManifests, SHA256, storeFull, tooLarge } from './blob-content.js';

/** One PUT holds at most 5 GiB on S3; a bigger artifact would need a multipart upload, which this store does not do. */
const MAX_SINGLE_PUT = 5 * 1024 ** 3;

/**
 * The artifact store on any S3-compatible server, with the local store's layout under `prefix`:
 * `blobs/ab/<sha256>` (one object per distinct content) and `manifests/<jobId>.json`. A file is hashed first and
 * uploaded only when a HEAD finds no blob of that content (dedup costs no upload); the upload carries `Content-MD5`
 * from the same read, so the server refuses bytes that changed in between. A single PUT is atomic: a reader never
 * sees half a blob and a writer that dies leaves nothing behind. A reused blob is copied onto itself to refresh
 * its LastModified, which garbage collection reads as "stored or reused".
 */
export function createS3ArtifactStore(options: { s3: ArtifactS3Config; maxBytes: number; /** 0 = no quota. */ maxStoreBytes?: number }): ArtifactStore {
  const { s3 } = options;
  const quota = options.maxStoreBytes ?? 0;
  const where = `s3://${s3.bucket}/${s3.prefix}${s3.endpoint ? ` at ${s3.endpoint}` : ''}`;
  // Loaded on first use: a service on the local store never pays for the SDK's start-up.
  type Sdk = typeof import('@aws-sdk/client-s3');
  let sdk!: Sdk;
  let client!: S3Client;
  const clientOptions = {
    region: s3.region,
    endpoint: s3.endpoint,
    forcePathStyle: s3.forcePathStyle,
    credentials: s3.accessKeyId && s3.secretAccessKey ? { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } : undefined,
    // The SDK's default adds CRC32 trailers (aws-chunked bodies) that many S3-compatible servers refuse;
    // integrity comes from Content-MD5 and the sha256 key instead.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
  } as const;
  const Bucket = s3.bucket;
  const blobKey = (sha256: string) => `${s3.prefix}blobs/${sha256.slice(0, 2)}/${sha256}`;
  const manifestKey = (jobId: string) => `${s3.prefix}manifests/${manifestName(jobId)}`;

  /** Every call goes through here: the bucket is checked once, and SDK failures become AppErrors that say what to do. */
  let ready: Promise<void> | undefined;
  async function call<T>(what: string, run: (sdk: Sdk) => Promise<T>): Promise<T> {
    ready ??= ensureBucket().catch((error: unknown) => {
      ready = undefined; // a server that was down may be up next time
      throw error;
    });
    await ready;
    try {
      return await run(sdk);
    } catch (error) {
      throw storeError(error, what, where);
    }
  }

  async function ensureBucket(): Promise<void> {
    sdk ??= await import('@aws-sdk/client-s3');
    client ??= new sdk.S3Client(clientOptions);
    try {
      await client.send(new sdk.HeadBucketCommand({ Bucket }));
      return;
    } catch (error) {
      if (statusOf(error) !== 404) throw storeError(error, 'check the bucket', where);
    }
    if (!s3.createBucket) {
      throw new AppError(
        'UPSTREAM_UNAVAILABLE',
        `the artifact store's bucket "${Bucket}" does not exist (${where}): create it, or set COGO_ARTIFACTS_S3_CREATE_BUCKET=true to let COGO create it`,
        { via: 'artifacts', retryable: false },
      );
    }
    try {
      await client.send(new sdk.CreateBucketCommand({ Bucket }));
    } catch (error) {
      // Another process created it first: fine.
      if (!['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes(nameOf(error))) throw storeError(error, 'create the bucket', where);
    }
  }

  /** LastModified and size of a key, or undefined when there is none. */
  async function head(key: string): Promise<{ size: number; modifiedMs: number } | undefined> {
    return call('read an object', async (sdk) => {
      try {
        const found = await client.send(new sdk.HeadObjectCommand({ Bucket, Key: key }));
        return { size: Number(found.ContentLength ?? 0), modifiedMs: found.LastModified?.getTime() ?? 0 };
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw error;
      }
    });
  }

  async function* list(prefix: string): AsyncIterable<{ key: string; size: number; modifiedMs: number }> {
    let token: string | undefined;
    do {
      const page = await call('list objects', (sdk) => client.send(new sdk.ListObjectsV2Command({ Bucket, Prefix: prefix, ContinuationToken: token })));
      for (const item of page.Contents ?? []) {
        if (item.Key) yield { key: item.Key, size: Number(item.Size ?? 0), modifiedMs: item.LastModified?.getTime() ?? 0 };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async function* keys(prefix: string): AsyncIterable<string> {
    for await (const item of list(prefix)) yield item.key;
  }

  async function* blobs(): AsyncIterable<BlobEntry> {
    for await (const item of list(`${s3.prefix}blobs/`)) {
      const sha256 = item.key.slice(item.key.lastIndexOf('/') + 1);
      if (SHA256.test(sha256)) yield { sha256, size: item.size, storedAtMs: item.modifiedMs };
    }
  }

  async function usedBytes(): Promise<number> {
    let total = 0;
    for await (const blob of blobs()) total += blob.size;
    return total;
  }

  /** Stores `body` under its sha256 unless the store has that content; `body` is only called when it must upload. */
  async function put(content: { sha256: string; md5Base64: string; size: number }, body: () => Readable | Buffer): Promise<StoredBlob> {
    const { sha256, size } = content;
    const Key = blobKey(sha256);
    if (await head(Key)) {
      // Reused: garbage collection's grace period starts again (the job's manifest is not written yet).
      await call('refresh a reused blob', (sdk) =>
        client.send(
          new sdk.CopyObjectCommand({
            Bucket,
            Key,
            CopySource: `${Bucket}/${Key}`,
            MetadataDirective: 'REPLACE',
            Metadata: { reused: new Date().toISOString() },
          }),
        ),
      );
      return { sha256, size, created: false };
    }
    // Measured at each new blob, as the local store does; concurrent writers may each pass the check.
    if (quota > 0) {
      const used = await usedBytes();
      if (used + size > quota) throw storeFull(used, size, quota);
    }
    await call('upload a blob', (sdk) =>
      client.send(
        new sdk.PutObjectCommand({ Bucket, Key, Body: body(), ContentLength: size, ContentMD5: content.md5Base64, ContentType: 'application/octet-stream' }),
      ),
    );
    return { sha256, size, created: true };
  }

  return {
    async putFile(file, maxBytes = options.maxBytes) {
      const limit = Math.min(maxBytes, MAX_SINGLE_PUT);
      const meter = contentMeter(limit);
      await pipeline(createReadStream(file), meter.stream, async (source: AsyncIterable<Buffer>) => {
        for await (const _chunk of source);
      });
      return put(meter.digest(), () => createReadStream(file));
    },
    async putBuffer(bytes) {
      if (bytes.length > Math.min(options.maxBytes, MAX_SINGLE_PUT)) throw tooLarge(Math.min(options.maxBytes, MAX_SINGLE_PUT));
      const content = {
        sha256: createHash('sha256').update(bytes).digest('hex'),
        md5Base64: createHash('md5').update(bytes).digest('base64'),
        size: bytes.length,
      };
      return put(content, () => bytes);
    },
    async stat(sha256) {
      if (!SHA256.test(sha256)) return undefined;
      const found = await head(blobKey(sha256));
      return found && { size: found.size };
    },
    async read(sha256, range) {
      if (!SHA256.test(sha256)) return undefined;
      return call('read a blob', async (sdk) => {
        try {
          const got = await client.send(
            new sdk.GetObjectCommand({ Bucket, Key: blobKey(sha256), Range: range ? `bytes=${range.start}-${range.end}` : undefined }),
          );
          return got.Body as Readable;
        } catch (error) {
          if (statusOf(error) === 404) return undefined;
          throw error;
        }
      });
    },
    async writeManifest(jobId, manifest) {
      const Key = manifestKey(jobId);
      await call('write a manifest', (sdk) =>
        client.send(new sdk.PutObjectCommand({ Bucket, Key, Body: JSON.stringify(manifest, null, 2), ContentType: 'application/json' })),
      );
      return `s3://${Bucket}/${Key}`;
    },
    async readManifest<T>(jobId: string) {
      const text = await readText(manifestKey(jobId));
      return text === undefined ? undefined : (JSON.parse(text) as T);
    },
    blobs,
    async *manifests() {
      yield* parseManifests(keys(`${s3.prefix}manifests/`), readText);
    },
    async removeBlob(sha256, unlessNewerThanMs) {
      if (!SHA256.test(sha256)) return false;
      const Key = blobKey(sha256);
      // HEAD then DELETE is not atomic: a reuse between the two loses the blob. The grace period makes that
      // window matter only for content first stored longer ago than the grace; docs/build.md says so.
      const found = await head(Key);
      if (!found || found.modifiedMs > unlessNewerThanMs) return false;
      await call('remove a blob', (sdk) => client.send(new sdk.DeleteObjectCommand({ Bucket, Key })));
      return true;
    },
    async sweepTemp() {
      return 0; // single PUTs: a writer that died mid-upload left no object
    },
    usedBytes,
  };

  async function readText(Key: string): Promise<string | undefined> {
    return call('read a manifest', async (sdk) => {
      try {
        const got = await client.send(new sdk.GetObjectCommand({ Bucket, Key }));
        return await got.Body?.transformToString('utf8');
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw error;
      }
    });
  }
}

/** The HTTP status of an S3 service error (the SDK's `$metadata`); undefined for network and client errors. */
const statusOf = (error: unknown) => (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
const nameOf = (error: unknown) => (error instanceof Error ? error.name : '');

const CREDENTIAL_ERRORS = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AccessDenied', 'InvalidToken', 'ExpiredToken', 'CredentialsProviderError']);

/** An S3 failure as DESIGN §7 sees it: whose fault, whether a retry can help, and what to do. */
function storeError(error: unknown, what: string, where: string): AppError {
  if (error instanceof AppError) return error;
  const name = nameOf(error);
  const status = statusOf(error);
  // A HEAD has no body, so a refused one is only a status ("UnknownError"): say the status then.
  const said = error instanceof Error && error.message !== 'UnknownError' ? `${name}: ${error.message}` : `HTTP ${status}`;
  if (name === 'BadDigest' || name === 'InvalidDigest') {
    return new AppError('INTERNAL', `the artifact store refused an upload: its bytes changed while it was stored (${where}); run the build again`, {
      via: 'artifacts',
      cause: error,
    });
  }
  if (CREDENTIAL_ERRORS.has(name) || status === 401 || status === 403) {
    return new AppError(
      'UPSTREAM_UNAVAILABLE',
      `the artifact store refused COGO's credentials (${said}) when trying to ${what} in ${where}: check COGO_ARTIFACTS_S3_ACCESS_KEY_ID and COGO_ARTIFACTS_S3_SECRET_ACCESS_KEY, and that they may read and write the bucket`,
      { via: 'artifacts', retryable: false, cause: error },
    );
  }
  if (name === 'NoSuchBucket') {
    return new AppError(
      'UPSTREAM_UNAVAILABLE',
      `the artifact store's bucket is gone (${where}): create it again or set COGO_ARTIFACTS_S3_CREATE_BUCKET=true and restart`,
      {
        via: 'artifacts',
        retryable: false,
        cause: error,
      },
    );
  }
  return new AppError(
    'UPSTREAM_UNAVAILABLE',
    `the artifact store could not ${what} (${where}): ${status === undefined && error instanceof Error ? error.message : said}; check that the server is up and COGO_ARTIFACTS_S3_ENDPOINT`,
    {
      via: 'artifacts',
      cause: error,
    },
  );
}
