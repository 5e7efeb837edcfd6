import type { Config } from '../config/index.js';
import { createArtifactStore, type ArtifactStore } from './artifact-store.js';
import { createS3ArtifactStore } from './s3-artifact-store.js';

/** The store the configuration names: S3 when a bucket is set (COGO_ARTIFACTS_S3_BUCKET), else the data folder. */
export function openArtifactStore(config: Config['artifacts'], maxBytes: number): ArtifactStore {
  const limits = { maxBytes, maxStoreBytes: config.maxStoreBytes };
  return config.s3 ? createS3ArtifactStore({ s3: config.s3, ...limits }) : createArtifactStore({ dir: config.dir, ...limits });
}
